import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import { formatRunLines } from '../eval/run-file.ts';
import { readEncoded } from './encoded-jsonl.ts';
import { InvertedIndexBuilder } from './inverted-index.ts';
import { ForwardScan } from './forward-scan.ts';
import { ParallelSearcher, chooseSearchThreads } from './parallel/parallel-searcher.ts';
import { Searcher, prepareQuery, resultToRun, type SearchResult } from './searcher.ts';
import { toSparseVector, type SparseVector } from './sparse-vector.ts';

export interface SearchBenchOptions {
  docsFile: string;
  queriesFile: string;
  k?: number;
  repeat?: number;
  runOut?: string;
  /** Search threads for the default configuration (see chooseSearchThreads); default `auto`. */
  threads?: number | 'auto';
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * `lsr bench search` result: the contract's keys first, for the default configuration (term-at-a-time
 * over the index, on `threads` threads), then the same queries in one thread, with MaxScore pruning and
 * with exhaustive scoring of every document (forward scan, no index; one thread), all timed in this run.
 */
export interface SearchBenchResult {
  docs: number;
  queries: number;
  k: number;
  build_s: number;
  search_s_median: number;
  queries_per_s: number;
  method: 'taat';
  /** Threads the default configuration searched with (worker threads when > 1, sharing the index). */
  threads: number;
  /** Starting those workers (once, not part of search_s_median); 0 for one thread. */
  threads_start_s: number;
  single_thread_search_s_median: number;
  single_thread_queries_per_s: number;
  read_s: number;
  postings: number;
  maxscore_search_s_median: number;
  maxscore_queries_per_s: number;
  exhaustive_search_s_median: number;
  exhaustive_queries_per_s: number;
  /** Single-thread index over (single-thread) exhaustive scoring of every document. */
  speedup_vs_exhaustive: number;
  /**
   * Whether the threaded search, MaxScore and exhaustive scoring returned exactly the single-thread index's
   * documents, scores and order.
   */
  identical_results: boolean;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function sameResult(a: SearchResult, b: SearchResult): boolean {
  if (a.docs.length !== b.docs.length) return false;
  for (let i = 0; i < a.docs.length; i++) if (a.docs[i] !== b.docs[i] || a.scores[i] !== b.scores[i]) return false;
  return true;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/** Reads `lsr encode` files, builds the index, times pruned and exhaustive search (medians of `repeat`). */
export async function runSearchBench(opts: SearchBenchOptions): Promise<SearchBenchResult> {
  const k = opts.k ?? 1000;
  const repeat = opts.repeat ?? 3;
  const progress = opts.onProgress ?? (() => {});

  let t0 = performance.now();
  const docRecords: { id: string; vector: Record<string, number>; line: number }[] = [];
  for await (const rec of readEncoded(opts.docsFile)) docRecords.push(rec);
  const queryRecords: { id: string; vector: Record<string, number> }[] = [];
  for await (const rec of readEncoded(opts.queriesFile)) queryRecords.push(rec);
  const readS = (performance.now() - t0) / 1000;
  progress(`read ${docRecords.length} documents and ${queryRecords.length} queries in ${readS.toFixed(2)} s`);

  t0 = performance.now();
  const builder = new InvertedIndexBuilder();
  for (const rec of docRecords) builder.addRecord(rec.id, rec.vector, { file: opts.docsFile, line: rec.line });
  // The parsed documents are garbage now; kept, they would make every collection during the timed passes slower.
  docRecords.length = 0;
  const index = builder.build();
  const queries: SparseVector[] = queryRecords.map((q) => toSparseVector(q.vector, index.vocab, false));
  const buildS = (performance.now() - t0) / 1000;
  progress(`built the index (${index.numPostings} postings) in ${buildS.toFixed(2)} s`);

  const searcher = new Searcher(index);
  const scan = new ForwardScan(index);
  const pass = async (label: string, search: () => SearchResult[] | Promise<SearchResult[]>): Promise<{ seconds: number[]; results: SearchResult[] }> => {
    const seconds: number[] = [];
    let results: SearchResult[] = [];
    // One untimed warm-up pass lets the JIT compile the loops before measuring.
    for (let r = -1; r < repeat; r++) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      const start = performance.now();
      results = await search();
      const s = (performance.now() - start) / 1000;
      if (r >= 0) seconds.push(s);
      progress(`${label}: pass ${r + 1}/${repeat} ${s.toFixed(3)} s`);
    }
    return { seconds, results };
  };
  const each = (search: (i: number) => SearchResult) => (): SearchResult[] => queries.map((_, i) => search(i));
  const taat = await pass('index (term-at-a-time, 1 thread)', each((i) => searcher.search(prepareQuery(index, queries[i]!), k, 'taat')));
  const pruned = await pass('index (MaxScore, 1 thread)', each((i) => searcher.search(prepareQuery(index, queries[i]!), k, 'maxscore')));
  const exhaustive = await pass('exhaustive (every document, 1 thread)', each((i) => scan.search(prepareQuery(index, queries[i]!), k)));

  const threads = chooseSearchThreads(opts.threads, queries.length);
  let threaded = taat;
  let startS = 0;
  if (threads > 1) {
    t0 = performance.now();
    const pool = await ParallelSearcher.start(index, threads);
    startS = (performance.now() - t0) / 1000;
    progress(`started ${threads} search threads in ${startS.toFixed(2)} s`);
    try {
      threaded = await pass(`index (term-at-a-time, ${threads} threads)`, () => pool.search(queries, k, 'taat'));
    } finally {
      await pool.close();
    }
  }
  const identical = taat.results.every(
    (r, i) => sameResult(r, threaded.results[i]!) && sameResult(r, pruned.results[i]!) && sameResult(r, exhaustive.results[i]!),
  );

  if (opts.runOut) {
    const out = fs.createWriteStream(opts.runOut);
    for (let i = 0; i < queries.length; i++) {
      const chunk = formatRunLines(queryRecords[i]!.id, resultToRun(index, taat.results[i]!), 'lsr');
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    out.end();
    await finished(out);
  }

  const searchS = median(threaded.seconds);
  const singleS = median(taat.seconds);
  const prunedS = median(pruned.seconds);
  const exhaustiveS = median(exhaustive.seconds);
  return {
    docs: index.numDocs,
    queries: queries.length,
    k,
    build_s: round(buildS, 3),
    search_s_median: round(searchS, 4),
    queries_per_s: round(queries.length / searchS, 1),
    method: 'taat',
    threads,
    threads_start_s: round(startS, 3),
    single_thread_search_s_median: round(singleS, 4),
    single_thread_queries_per_s: round(queries.length / singleS, 1),
    read_s: round(readS, 3),
    postings: index.numPostings,
    maxscore_search_s_median: round(prunedS, 4),
    maxscore_queries_per_s: round(queries.length / prunedS, 1),
    exhaustive_search_s_median: round(exhaustiveS, 4),
    exhaustive_queries_per_s: round(queries.length / exhaustiveS, 1),
    speedup_vs_exhaustive: round(exhaustiveS / singleS, 2),
    identical_results: identical,
  };
}
