import type { WasmMemory } from './search-kernel.ts';

/**
 * What search reads of an index: postings in CSR layout and the arrays derived from them. InvertedIndex
 * implements it; search worker threads rebuild one over the same shared memory (see parallel-searcher.ts).
 */
export interface PostingsView {
  /**
   * The shared WebAssembly memory holding postingDocs, impacts and denseImpacts, which the search kernel
   * reads (see search-kernel.ts); absent when the index lives in plain shared arrays (too large for wasm32,
   * or no WebAssembly), and then only the JavaScript loops search it.
   */
  readonly kernelMemory?: WasmMemory;
  readonly numDocs: number;
  readonly numTerms: number;
  /** Term t's postings are [offsets[t], offsets[t + 1]). */
  readonly offsets: Uint32Array;
  /** Document numbers, ascending within each term. */
  readonly postingDocs: Uint32Array;
  readonly impacts: Float32Array;
  /** Largest impact of each term. */
  readonly maxImpact: Float32Array;
  /** Largest impact in each run of BLOCK_SIZE consecutive postings. */
  readonly blockMax: Float32Array;
  /** Rank of each document's id in ascending string order (ties go to the larger id). */
  readonly tieRank: Int32Array;
  /** Column of each term in denseImpacts, or -1 (see dense-columns.ts). */
  readonly denseColumn: Int32Array;
  /** Impacts of the densest terms as full columns, numDocs per column, zero where a document lacks the term. */
  readonly denseImpacts: Float32Array;
}
