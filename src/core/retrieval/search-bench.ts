import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import { formatRunLines } from '../eval/run-file.ts';
import { readEncoded } from './encoded-jsonl.ts';
import { InvertedIndexBuilder } from './inverted-index.ts';
import { ForwardScan } from './forward-scan.ts';
import { Searcher, prepareQuery, resultToRun, type SearchResult } from './searcher.ts';
import { toSparseVector, type SparseVector } from './sparse-vector.ts';

export interface SearchBenchOptions {
  docsFile: string;
  queriesFile: string;
  k?: number;
  repeat?: number;
  runOut?: string;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * `lsr bench search` result: the contract's keys first (for the default method, term-at-a-time over the
 * index), then the same queries with MaxScore pruning and with exhaustive scoring of every document
 * (forward scan, no index), all timed in this run.
 */
export interface SearchBenchResult {
  docs: number;
  queries: number;
  k: number;
  build_s: number;
  search_s_median: number;
  queries_per_s: number;
  method: 'taat';
  read_s: number;
  postings: number;
  maxscore_search_s_median: number;
  maxscore_queries_per_s: number;
  exhaustive_search_s_median: number;
  exhaustive_queries_per_s: number;
  /** queries_per_s of the index over exhaustive scoring of every document. */
  speedup_vs_exhaustive: number;
  /** Whether MaxScore and exhaustive scoring returned exactly the index's documents, scores and order. */
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
  const index = builder.build();
  const queries: SparseVector[] = queryRecords.map((q) => toSparseVector(q.vector, index.vocab, false));
  const buildS = (performance.now() - t0) / 1000;
  progress(`built the index (${index.numPostings} postings) in ${buildS.toFixed(2)} s`);

  const searcher = new Searcher(index);
  const scan = new ForwardScan(index);
  const time = (label: string, search: (i: number) => SearchResult): { seconds: number[]; results: SearchResult[] } => {
    const seconds: number[] = [];
    let results: SearchResult[] = [];
    // One untimed warm-up pass lets the JIT compile the loops before measuring.
    for (let r = -1; r < repeat; r++) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      const start = performance.now();
      const out: SearchResult[] = new Array(queries.length);
      for (let i = 0; i < queries.length; i++) out[i] = search(i);
      if (r >= 0) seconds.push((performance.now() - start) / 1000);
      results = out;
      progress(`${label}: pass ${r + 1}/${repeat} ${((performance.now() - start) / 1000).toFixed(3)} s`);
    }
    return { seconds, results };
  };
  const taat = time('index (term-at-a-time)', (i) => searcher.search(prepareQuery(index, queries[i]!), k, 'taat'));
  const pruned = time('index (MaxScore)', (i) => searcher.search(prepareQuery(index, queries[i]!), k, 'maxscore'));
  const exhaustive = time('exhaustive (every document)', (i) => scan.search(prepareQuery(index, queries[i]!), k));
  const identical = taat.results.every((r, i) => sameResult(r, pruned.results[i]!) && sameResult(r, exhaustive.results[i]!));

  if (opts.runOut) {
    const out = fs.createWriteStream(opts.runOut);
    for (let i = 0; i < queries.length; i++) {
      const chunk = formatRunLines(queryRecords[i]!.id, resultToRun(index, taat.results[i]!), 'lsr');
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    out.end();
    await finished(out);
  }

  const searchS = median(taat.seconds);
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
    read_s: round(readS, 3),
    postings: index.numPostings,
    maxscore_search_s_median: round(prunedS, 4),
    maxscore_queries_per_s: round(queries.length / prunedS, 1),
    exhaustive_search_s_median: round(exhaustiveS, 4),
    exhaustive_queries_per_s: round(queries.length / exhaustiveS, 1),
    speedup_vs_exhaustive: round(exhaustiveS / searchS, 2),
    identical_results: identical,
  };
}
