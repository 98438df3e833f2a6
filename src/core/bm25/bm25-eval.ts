import { docText, loadDatasetFolder } from '../data/dataset-folder.ts';
import { evaluateRun, type Evaluation } from '../eval/metrics.ts';
import type { Run } from '../eval/run-file.ts';
import { Bm25Index, LUCENE_BM25_DEFAULTS, type Bm25Params } from './bm25-index.ts';

export interface Bm25EvalOptions {
  split?: string;
  params?: Bm25Params;
  k?: number;
  onProgress?: (line: string) => void;
}

export interface Bm25EvalResult extends Evaluation {
  run: Run;
  docs: number;
  avgdl: number;
  analyzer: string;
  params: Bm25Params;
}

/** BM25 over a BEIR folder (title and text as one field): every query of the split, top k, evaluated. */
export async function evaluateBm25(folder: string, options: Bm25EvalOptions = {}): Promise<Bm25EvalResult> {
  const progress = options.onProgress ?? (() => {});
  const params = options.params ?? LUCENE_BM25_DEFAULTS;
  const data = await loadDatasetFolder(folder, options.split ?? 'test');
  progress(`indexing ${data.corpus.size} documents`);
  const index = Bm25Index.build(
    (function* () {
      for (const [id, doc] of data.corpus) yield [id, docText(doc)] as [string, string];
    })(),
    params,
  );
  const run: Run = new Map();
  for (const qid of data.qrels.keys()) {
    const text = data.queries.get(qid);
    if (text !== undefined) run.set(qid, index.search(text, options.k ?? 1000));
  }
  progress(`searched ${run.size} queries`);
  return { ...evaluateRun(data.qrels, run), run, docs: data.corpus.size, avgdl: index.avgdl, analyzer: index.analyzer.describe(), params };
}
