import { docText, type LoadedDataset } from '../data/dataset-folder.ts';
import { InvertedIndexBuilder } from '../retrieval/inverted-index.ts';
import { Searcher, resultToRun } from '../retrieval/searcher.ts';
import { Vocabulary, type SparseVector as IndexVector } from '../retrieval/sparse-vector.ts';
import type { SpladeEncoder, SparseVector } from '../splade/encoder.ts';
import { TermPresence, sparsityStats } from './efficiency.ts';
import { evaluateRun, METRIC_NAMES, type QueryMetrics } from './metrics.ts';
import type { Run } from './run-file.ts';

export interface SpladeEvalOptions {
  /** Documents retrieved per query (default 1000). */
  k?: number;
  /** Only these queries (default: every query of the split that has judgements). */
  queryIds?: readonly string[];
  /** Only these documents (default: the whole corpus). */
  docIds?: readonly string[];
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

export interface SpladeEvalResult {
  /** `lsr metrics` keys plus `query_nnz_mean`, `doc_nnz_mean`, `flops`, `docs`, `query_ms_mean`. */
  metrics: Record<string, number>;
  perQuery: Record<string, Record<string, number>>;
  run: Run;
}

function toIndexVector(v: SparseVector, vocab: Vocabulary, grow: boolean): IndexVector {
  const terms: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < v.termIds.length; i++) {
    const key = String(v.termIds[i]);
    const t = grow ? vocab.intern(key) : vocab.lookup(key);
    if (t === undefined) continue;
    terms.push(t);
    weights.push(v.weights[i]!);
  }
  return { terms: Uint32Array.from(terms), weights: Float32Array.from(weights) };
}

/**
 * Encodes a dataset's corpus (streamed into an inverted index) and its judged queries, retrieves the top k
 * per query exactly, and evaluates with trec_eval semantics; also the efficiency figures of the vectors.
 */
export async function evaluateSplade(encoder: SpladeEncoder, data: LoadedDataset, opts: SpladeEvalOptions = {}): Promise<SpladeEvalResult> {
  const progress = opts.onProgress ?? (() => {});
  const docIds = opts.docIds ?? [...data.corpus.keys()];
  const queryIds = (opts.queryIds ?? [...data.qrels.keys()]).filter((q) => data.queries.has(q));
  const builder = new InvertedIndexBuilder();
  const docPresence = new TermPresence<number>();
  const items = docIds.map((id) => ({ id, text: docText(data.corpus.get(id)!) }));
  let done = 0;
  for await (const item of encoder.encodeStream(items, 'document', { signal: opts.signal })) {
    builder.addVector(item.id, toIndexVector(item.vector, builder.vocab, true));
    docPresence.add(item.vector.termIds);
    done++;
    if (done % 64 === 0 || done === items.length) progress(`encoded ${done}/${items.length} documents`);
  }
  const index = builder.build();
  const searcher = new Searcher(index);
  const run: Run = new Map();
  const queryPresence = new TermPresence<number>();
  const k = Math.min(opts.k ?? 1000, Math.max(1, index.numDocs));
  const queryItems = queryIds.map((id) => ({ id, text: data.queries.get(id)! }));
  let searchMs = 0;
  for await (const item of encoder.encodeStream(queryItems, 'query', { signal: opts.signal })) {
    queryPresence.add(item.vector.termIds);
    const t0 = performance.now();
    const result = searcher.search(toIndexVector(item.vector, builder.vocab, false), k);
    searchMs += performance.now() - t0;
    run.set(item.id, resultToRun(index, result));
  }
  progress(`searched ${run.size} queries`);
  const evaluation = evaluateRun(data.qrels, run);
  const sparsity = sparsityStats(queryPresence, docPresence);
  const metrics: Record<string, number> = {};
  for (const name of METRIC_NAMES) metrics[name] = evaluation.metrics[name];
  metrics.queries = evaluation.metrics.queries;
  metrics.query_nnz_mean = sparsity.queryNnzMean;
  metrics.doc_nnz_mean = sparsity.docNnzMean;
  metrics.flops = sparsity.flops;
  metrics.docs = index.numDocs;
  metrics.query_ms_mean = run.size > 0 ? searchMs / run.size : 0;
  const perQuery: Record<string, Record<string, number>> = {};
  for (const [qid, values] of evaluation.perQuery) perQuery[qid] = { ...(values as QueryMetrics) };
  return { metrics, perQuery, run };
}
