import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { readQrels, type Qrels } from '../eval/qrels.ts';
import { CORPUS_FILE, QRELS_DIR, QUERIES_FILE, TRIPLES_FILE } from './dataset-writer.ts';
import { readLines } from './read-lines.ts';
import { trainingExamplesFromQrels, readTrainingExamples, type QrelsExampleOptions, type TrainingExample } from './training-examples.ts';

export interface CorpusDoc {
  title: string;
  text: string;
}

/** A BEIR folder held in memory, one split of judgements. */
export interface LoadedDataset {
  folder: string;
  split: string;
  corpus: Map<string, CorpusDoc>;
  queries: Map<string, string>;
  qrels: Qrels;
}

/** Title and text as one passage (the usual BEIR convention for models and BM25 alike). */
export function docText(doc: CorpusDoc): string {
  return doc.title === '' ? doc.text : `${doc.title} ${doc.text}`;
}

/** Split names available in a BEIR folder (`qrels/<split>.tsv`). */
export function listSplits(folder: string): string[] {
  const dir = path.join(folder, QRELS_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.tsv'))
    .map((f) => f.slice(0, -4))
    .sort();
}

async function* jsonObjects(file: string): AsyncGenerator<{ obj: Record<string, unknown>; line: number }> {
  for await (const { text, line } of readLines(file)) {
    if (text.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (err) {
      throw new InputError(`not valid JSON (${(err as Error).message})`, { file, line });
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new InputError('expected a JSON object', { file, line });
    yield { obj: obj as Record<string, unknown>, line };
  }
}

function stringField(o: Record<string, unknown>, field: string, file: string, line: number, optional = false): string {
  const v = o[field];
  if (typeof v === 'number' && field === '_id') return String(v);
  if (v === undefined && optional) return '';
  if (typeof v !== 'string') throw new InputError('expected a string', { file, line, field });
  return v;
}

/**
 * Loads a BEIR folder (an imported dataset or any folder in BEIR layout), strictly: a bad line is an
 * InputError naming file and line. Only the given split's judgements are read.
 */
export async function loadDatasetFolder(folder: string, split = 'test'): Promise<LoadedDataset> {
  const corpusFile = path.join(folder, CORPUS_FILE);
  const queriesFile = path.join(folder, QUERIES_FILE);
  const qrelsFile = path.join(folder, QRELS_DIR, `${split}.tsv`);
  for (const f of [corpusFile, queriesFile]) if (!fs.existsSync(f)) throw new InputError('missing (not a BEIR dataset folder?)', { file: f });
  if (!fs.existsSync(qrelsFile)) {
    const have = listSplits(folder);
    throw new InputError(`no split "${split}"${have.length ? ` (available: ${have.join(', ')})` : ''}`, { file: qrelsFile });
  }
  const corpus = new Map<string, CorpusDoc>();
  for await (const { obj, line } of jsonObjects(corpusFile)) {
    const id = stringField(obj, '_id', corpusFile, line);
    if (corpus.has(id)) throw new InputError(`duplicate document id "${id}"`, { file: corpusFile, line });
    corpus.set(id, { title: stringField(obj, 'title', corpusFile, line, true), text: stringField(obj, 'text', corpusFile, line) });
  }
  const queries = new Map<string, string>();
  for await (const { obj, line } of jsonObjects(queriesFile)) {
    const id = stringField(obj, '_id', queriesFile, line);
    if (queries.has(id)) throw new InputError(`duplicate query id "${id}"`, { file: queriesFile, line });
    queries.set(id, stringField(obj, 'text', queriesFile, line));
  }
  return { folder, split, corpus, queries, qrels: await readQrels(qrelsFile) };
}

/**
 * The training examples of a dataset folder: its `train-triples.jsonl` when present, else examples built
 * from the split's qrels with sampled negatives (see trainingExamplesFromQrels).
 */
export async function* datasetTrainingExamples(folder: string, split: string, options: QrelsExampleOptions): AsyncGenerator<TrainingExample> {
  const triples = path.join(folder, TRIPLES_FILE);
  if (fs.existsSync(triples)) {
    yield* readTrainingExamples(triples);
    return;
  }
  const data = await loadDatasetFolder(folder, split);
  const corpus = new Map<string, string>();
  for (const [id, doc] of data.corpus) corpus.set(id, docText(doc));
  yield* trainingExamplesFromQrels({ corpus, queries: data.queries, qrels: data.qrels }, options);
}
