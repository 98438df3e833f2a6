import fs from 'node:fs';
import path from 'node:path';
import { CORPUS_FILE, QUERIES_FILE } from '../data/dataset-writer.ts';
import { InputError } from '../errors.ts';
import type { SpladeEncoder, TextItem } from '../splade/encoder.ts';
import { streamCorpus, streamQueries, type LocatedText } from './beir-stream.ts';
import { PartialLineFile } from './line-file.ts';
import { impactQueryLine, jsonVectorLine, quantizeVector, validateQuantization } from './quantize.ts';

/** Anserini's `-input` folder: every file under it is read as part of the collection, so queries live beside it. */
export const ANSERINI_CORPUS_DIR = 'corpus';
export const ANSERINI_CORPUS_FILE = `${ANSERINI_CORPUS_DIR}/docs.jsonl`;
export const ANSERINI_QUERIES_FILE = 'queries.tsv';

export interface AnseriniExportOptions {
  /** Impact = round(weight × quantization); default 100. */
  quantization?: number;
  /** Token string of a vocabulary id. */
  tokenOf: (id: number) => string | undefined;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

export interface AnseriniExportResult {
  corpusFile: string;
  queriesFile: string;
  docs: number;
  queries: number;
  /** Queries left out of queries.tsv because every impact rounded to 0 (Anserini cannot search an empty query). */
  emptyQueries: string[];
  /** Document and query terms dropped because their token string holds whitespace. */
  whitespaceTermsDropped: number;
  quantization: number;
  docNnzMean: number;
  queryNnzMean: number;
}

/** Fails early, before a model is loaded, when the folder is not a BEIR dataset. */
export function assertBeirTexts(folder: string): void {
  for (const name of [CORPUS_FILE, QUERIES_FILE]) {
    const file = path.join(folder, name);
    if (!fs.existsSync(file)) throw new InputError('missing (not a BEIR dataset folder?)', { file });
  }
}

async function* asItems(texts: AsyncIterable<LocatedText>, check?: (t: LocatedText) => void): AsyncGenerator<TextItem> {
  for await (const t of texts) {
    check?.(t);
    yield { id: t.id, text: t.text };
  }
}

function checkQueryId(t: LocatedText): void {
  if (/[\t\r\n]/.test(t.id)) throw new InputError('a query id with a tab or line break cannot be written as TSV', { file: t.file, line: t.line, field: '_id' });
}

/**
 * Encodes a BEIR folder's corpus and queries and writes, under `out`, `corpus/docs.jsonl` (Anserini
 * JsonVectorCollection: `{"id", "contents", "vector": {"<token>": int}}`) and `queries.tsv`
 * (`qid<TAB>token token …`, each token repeated impact times, for `-topicReader TsvString -impact -pretokenized`).
 */
export async function exportAnserini(encoder: SpladeEncoder, datasetFolder: string, out: string, opts: AnseriniExportOptions): Promise<AnseriniExportResult> {
  const factor = validateQuantization(opts.quantization ?? 100);
  const progress = opts.onProgress ?? (() => {});
  assertBeirTexts(datasetFolder);
  fs.mkdirSync(path.join(out, ANSERINI_CORPUS_DIR), { recursive: true });
  const corpusFile = path.join(out, ANSERINI_CORPUS_FILE);
  const queriesFile = path.join(out, ANSERINI_QUERIES_FILE);
  const result: AnseriniExportResult = {
    corpusFile,
    queriesFile,
    docs: 0,
    queries: 0,
    emptyQueries: [],
    whitespaceTermsDropped: 0,
    quantization: factor,
    docNnzMean: 0,
    queryNnzMean: 0,
  };
  const docsOut = new PartialLineFile(corpusFile);
  const queriesOut = new PartialLineFile(queriesFile);
  let docNnz = 0;
  let queryNnz = 0;
  try {
    // The passage text of each document, kept only until its vector comes back (the encoder keeps input order).
    const contents = new Map<string, string>();
    const corpus = asItems(streamCorpus(datasetFolder), (t) => contents.set(t.id, t.text));
    for await (const item of encoder.encodeStream(corpus, 'document', {
      signal: opts.signal,
      onProgress: ({ done }) => progress(`encoded ${done} documents`),
    })) {
      const q = quantizeVector(item.vector.termIds, item.vector.weights, factor, opts.tokenOf);
      result.whitespaceTermsDropped += q.whitespaceDropped;
      docNnz += q.terms.size;
      await docsOut.write(jsonVectorLine(item.id, contents.get(item.id)!, q.terms));
      contents.delete(item.id);
      result.docs++;
    }
    for await (const item of encoder.encodeStream(asItems(streamQueries(datasetFolder), checkQueryId), 'query', {
      signal: opts.signal,
      onProgress: ({ done }) => progress(`encoded ${done} queries`),
    })) {
      const q = quantizeVector(item.vector.termIds, item.vector.weights, factor, opts.tokenOf);
      result.whitespaceTermsDropped += q.whitespaceDropped;
      if (q.terms.size === 0) {
        result.emptyQueries.push(item.id);
        continue;
      }
      queryNnz += q.terms.size;
      await queriesOut.write(impactQueryLine(item.id, q.terms));
      result.queries++;
    }
    await docsOut.commit();
    await queriesOut.commit();
  } catch (err) {
    await docsOut.abort();
    await queriesOut.abort();
    throw err;
  }
  result.docNnzMean = result.docs > 0 ? docNnz / result.docs : 0;
  result.queryNnzMean = result.queries > 0 ? queryNnz / result.queries : 0;
  return result;
}
