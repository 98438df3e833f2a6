import type { InvertedIndex } from './inverted-index.ts';
import type { PreparedQuery, SearchResult } from './searcher.ts';
import { TopK } from './top-k.ts';

const ROUNDER = 2 ** 52;

/**
 * Exhaustive scoring without an inverted index: every document's dot product with the query, from a
 * forward (document → terms) copy of the index. It is the baseline the index is measured against, and it
 * computes the same fixed-point scores as Searcher (see PreparedQuery), so results are identical.
 */
export class ForwardScan {
  private readonly docOffsets: Uint32Array;
  private readonly docTerms: Uint32Array;
  private readonly docImpacts: Float32Array;
  private readonly dense: Float64Array;

  constructor(readonly index: InvertedIndex) {
    const numDocs = index.numDocs;
    const counts = new Uint32Array(numDocs + 1);
    for (let p = 0; p < index.numPostings; p++) counts[index.postingDocs[p]! + 1]!++;
    this.docOffsets = new Uint32Array(numDocs + 1);
    for (let d = 0; d < numDocs; d++) this.docOffsets[d + 1] = this.docOffsets[d]! + counts[d + 1]!;
    this.docTerms = new Uint32Array(index.numPostings);
    this.docImpacts = new Float32Array(index.numPostings);
    const cursor = this.docOffsets.slice(0, numDocs);
    for (let t = 0; t < index.numTerms; t++) {
      for (let p = index.offsets[t]!; p < index.offsets[t + 1]!; p++) {
        const at = cursor[index.postingDocs[p]!]!++;
        this.docTerms[at] = t;
        this.docImpacts[at] = index.impacts[p]!;
      }
    }
    this.dense = new Float64Array(index.numTerms);
  }

  search(q: PreparedQuery, k: number): SearchResult {
    const dense = this.dense;
    for (let j = 0; j < q.terms.length; j++) dense[q.terms[j]!] = q.scaled[j]!;
    const heap = new TopK(k, this.index.tieRank);
    const { docOffsets, docTerms, docImpacts } = this;
    const tie = this.index.tieRank;
    let threshold = -Infinity;
    for (let d = 0; d < this.index.numDocs; d++) {
      let s = 0;
      const end = docOffsets[d + 1]!;
      for (let p = docOffsets[d]!; p < end; p++) s += dense[docTerms[p]!]! * docImpacts[p]! + ROUNDER - ROUNDER;
      if (s === 0 || s < threshold || (s === threshold && tie[d]! <= tie[heap.docs[0]!]!)) continue;
      heap.offer(d, s);
      if (heap.full) threshold = heap.scores[0]!;
    }
    for (let j = 0; j < q.terms.length; j++) dense[q.terms[j]!] = 0;
    const result = heap.drain();
    for (let i = 0; i < result.scores.length; i++) result.scores[i]! /= q.scale;
    return result;
  }
}
