import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { InputError } from '../../errors.ts';
import { startWorkers } from '../../workers/start-workers.ts';
import type { PostingsView } from '../postings-view.ts';
import { DEFAULT_SEARCH_METHOD, type SearchMethod, type SearchResult } from '../searcher.ts';
import { sharedArray, toShared } from '../shared-arrays.ts';
import type { SparseVector } from '../sparse-vector.ts';
import type { FromSearchWorker, SearchBatch, SearchWorkerInit } from './search-protocol.ts';

/**
 * Queries per thread below which `auto` adds no thread: a thread's share of a batch should outweigh the
 * batch's messaging (well under a millisecond) many times over; 64 SPLADE-like queries on 20,000
 * documents take about 20 ms.
 */
export const MIN_QUERIES_PER_THREAD = 64;
/** Result entries (documents × queries) one batch's shared output holds; larger batches are split. */
const MAX_BATCH_ENTRIES = 1 << 22;

/**
 * How many threads to search a batch of `numQueries` with. `auto` (or undefined): one per core, as long as
 * each gets MIN_QUERIES_PER_THREAD queries; otherwise 1 (search in this thread). A number is taken as
 * asked, capped at one thread per query.
 */
export function chooseSearchThreads(requested: number | 'auto' | undefined, numQueries: number, cores = os.availableParallelism()): number {
  if (typeof requested === 'number') {
    if (!Number.isInteger(requested) || requested < 1) throw new InputError(`must be a positive integer or auto, got ${requested}`, { field: 'threads' });
    return Math.max(1, Math.min(requested, numQueries));
  }
  return Math.max(1, Math.min(cores, Math.floor(numQueries / MIN_QUERIES_PER_THREAD)));
}

/** The index's arrays (and its kernel memory) as one plain object over shared memory, to hand to workers. */
function sharedPostings(index: PostingsView): PostingsView {
  return {
    kernelMemory: index.kernelMemory,
    numDocs: index.numDocs,
    numTerms: index.numTerms,
    offsets: toShared(index.offsets),
    postingDocs: toShared(index.postingDocs),
    impacts: toShared(index.impacts),
    maxImpact: toShared(index.maxImpact),
    blockMax: toShared(index.blockMax),
    tieRank: toShared(index.tieRank),
    denseColumn: toShared(index.denseColumn),
    denseImpacts: toShared(index.denseImpacts),
  };
}

interface Pending {
  left: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Searches batches of queries over worker threads, each with its own Searcher over the same index in
 * shared memory. Queries are handed out dynamically (a shared counter), so a thread slowed by other load
 * takes fewer. Results are exactly those of Searcher.search in one thread.
 */
export class ParallelSearcher {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    private readonly workers: Worker[],
    readonly numDocs: number,
  ) {
    for (const w of workers) {
      w.on('message', (m: FromSearchWorker) => this.onMessage(m));
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`a search worker exited (code ${code})`));
      });
    }
  }

  /** Starts `threads` workers over `index` and waits until each is ready. */
  static async start(index: PostingsView, threads: number): Promise<ParallelSearcher> {
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`thread count must be a positive integer, got ${threads}`);
    const init: SearchWorkerInit = { postings: sharedPostings(index) };
    const url = new URL('./search-worker-bootstrap.mjs', import.meta.url);
    const { workers } = await startWorkers(url, Array<SearchWorkerInit>(threads).fill(init), 'a search worker', (m: FromSearchWorker) => m.type === 'ready');
    // Idle workers do not keep the process alive; each batch holds them while it runs.
    for (const w of workers) w.unref();
    return new ParallelSearcher(workers, index.numDocs);
  }

  get threads(): number {
    return this.workers.length;
  }

  /** The top k of every query (as Searcher.search), in the order given. */
  async search(queries: readonly SparseVector[], k: number, method: SearchMethod = DEFAULT_SEARCH_METHOD): Promise<SearchResult[]> {
    const slot = Math.max(1, Math.min(k, this.numDocs));
    const perBatch = Math.max(1, Math.floor(MAX_BATCH_ENTRIES / slot));
    const out: SearchResult[] = [];
    for (let first = 0; first < queries.length; first += perBatch) {
      out.push(...(await this.searchBatch(queries.slice(first, first + perBatch), k, slot, method)));
    }
    return out;
  }

  private async searchBatch(queries: readonly SparseVector[], k: number, slot: number, method: SearchMethod): Promise<SearchResult[]> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('the parallel searcher is closed');
    const n = queries.length;
    const queryOffsets = sharedArray(Uint32Array, n + 1);
    for (let q = 0; q < n; q++) queryOffsets[q + 1] = queryOffsets[q]! + queries[q]!.terms.length;
    const queryTerms = sharedArray(Uint32Array, queryOffsets[n]!);
    const queryWeights = sharedArray(Float32Array, queryOffsets[n]!);
    for (let q = 0; q < n; q++) {
      queryTerms.set(queries[q]!.terms, queryOffsets[q]!);
      queryWeights.set(queries[q]!.weights, queryOffsets[q]!);
    }
    const id = this.nextId++;
    const batch: SearchBatch = {
      type: 'search',
      id,
      k,
      method,
      numQueries: n,
      queryOffsets,
      queryTerms,
      queryWeights,
      next: sharedArray(Int32Array, 1),
      // Small chunks balance threads that other load slows down; a few per thread keep the counter cold.
      chunk: Math.max(1, Math.min(16, Math.floor(n / (8 * this.workers.length)))),
      slot,
      counts: sharedArray(Int32Array, n),
      docs: sharedArray(Int32Array, n * slot),
      scores: sharedArray(Float64Array, n * slot),
    };
    for (const w of this.workers) w.ref();
    try {
      await new Promise<void>((resolve, reject) => {
        this.pending.set(id, { left: this.workers.length, resolve, reject });
        for (const w of this.workers) w.postMessage(batch);
      });
    } finally {
      for (const w of this.workers) w.unref();
    }
    const results: SearchResult[] = new Array(n);
    for (let q = 0; q < n; q++) {
      const from = q * slot;
      const to = from + batch.counts[q]!;
      results[q] = { docs: batch.docs.slice(from, to), scores: batch.scores.slice(from, to) };
    }
    return results;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.fail(new Error('the parallel searcher was closed'));
  }

  private onMessage(m: FromSearchWorker): void {
    if (m.type === 'error') {
      const err = new Error(`search worker failed: ${m.message}`);
      if (m.id === undefined) this.fail(err);
      else this.settle(m.id, err);
    } else if (m.type === 'done') {
      this.settle(m.id);
    }
  }

  private settle(id: number, err?: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    if (err) {
      this.pending.delete(id);
      p.reject(err);
    } else if (--p.left === 0) {
      this.pending.delete(id);
      p.resolve();
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
