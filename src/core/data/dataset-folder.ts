import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { readQrels, type Qrels } from '../eval/qrels.ts';
import { CORPUS_FILE, QRELS_DIR, QUERIES_FILE, TRIPLES_FILE } from './dataset-writer.ts';
import { readJsonObjects, type JsonObject } from './json-objects.ts';
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

function stringField(o: JsonObject, field: string, file: string, line: number, optional = false): string {
  const v = o[field];
  if (typeof v === 'number' && field === '_id') return String(v);
  if (v === undefined && optional) return '';
  if (typeof v !== 'string') throw new InputError('expected a string', { file, line, field });
  return v;
}

/** One line of a BEIR `corpus.jsonl` or `queries.jsonl`; queries have no title (''). */
export interface BeirLine extends CorpusDoc {
  id: string;
  line: number;
}

/**
 * Streams a BEIR `corpus.jsonl` (`document`) or `queries.jsonl` (`query`) strictly: a bad line is an
 * InputError, and so is an id already in `known` (the caller records each id it takes, in a map it keeps anyway).
 */
export async function* readBeirLines(file: string, kind: 'document' | 'query', known: { has(id: string): boolean }): AsyncGenerator<BeirLine> {
  for await (const { obj, line } of readJsonObjects(file)) {
    const id = stringField(obj, '_id', file, line);
    if (known.has(id)) throw new InputError(`duplicate ${kind} id "${id}"`, { file, line });
    const title = kind === 'document' ? stringField(obj, 'title', file, line, true) : '';
    yield { id, title, text: stringField(obj, 'text', file, line), line };
  }
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
  for await (const d of readBeirLines(corpusFile, 'document', corpus)) corpus.set(d.id, { title: d.title, text: d.text });
  const queries = new Map<string, string>();
  for await (const q of readBeirLines(queriesFile, 'query', queries)) queries.set(q.id, q.text);
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
