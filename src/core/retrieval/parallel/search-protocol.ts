import type { PostingsView } from '../postings-view.ts';
import type { SearchMethod } from '../searcher.ts';

/** A search worker's start: the index's arrays, all over shared memory (nothing is copied). */
export interface SearchWorkerInit {
  postings: PostingsView;
}

/**
 * A batch of queries for every worker. Query q's terms and weights are [queryOffsets[q], queryOffsets[q + 1])
 * of queryTerms / queryWeights. Workers take the next `chunk` queries from the shared counter `next`
 * (Atomics) until none are left, and write query q's result to [q · slot, q · slot + counts[q]) of docs and
 * scores. Every array is over shared memory.
 */
export interface SearchBatch {
  type: 'search';
  id: number;
  k: number;
  method: SearchMethod;
  numQueries: number;
  queryOffsets: Uint32Array;
  queryTerms: Uint32Array;
  queryWeights: Float32Array;
  next: Int32Array;
  chunk: number;
  slot: number;
  counts: Int32Array;
  docs: Int32Array;
  scores: Float64Array;
}

export type ToSearchWorker = SearchBatch;

export type FromSearchWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; searched: number }
  | { type: 'error'; id?: number; message: string };
