import type { InvertedIndex } from './inverted-index.ts';
import type { SparseVector } from './sparse-vector.ts';
import { TopK } from './top-k.ts';

/** `maxscore`: dynamic pruning (exact); `exhaustive`: every posting of every query term is scored. */
export type SearchMethod = 'maxscore' | 'exhaustive';

export interface SearchResult {
  /** Document numbers, best first. */
  docs: Int32Array;
  scores: Float64Array;
}

/**
 * A query made ready for scoring: its terms that have postings, ordered by score upper bound
 * (query weight × the term's largest impact) descending, ties by term number.
 *
 * That order is also the order in which every method adds a document's contributions, in float64
 * (each product of two float32 values is exact in float64). Exhaustive and pruned search therefore
 * compute bit-identical scores, so they rank identically, ties included.
 */
export interface PreparedQuery {
  terms: Uint32Array;
  weights: Float64Array;
  upperBounds: Float64Array;
  /** suffixBound[j] = Σ_{i ≥ j} upperBounds[i]; suffixBound[n] = 0. */
  suffixBound: Float64Array;
}

/** Relative slack on bounds so float rounding can never prune a document that would have made the top k. */
const BOUND_SLACK = 1 + 1e-9;
/** Largest MaxScore window (documents); at most 65536 (window offsets are uint16). */
const MAX_WINDOW = 4096;
/** The first window is small so the k-th score, and with it pruning, is established early. */
const FIRST_WINDOW = 256;

export interface SearcherOptions {
  /** Largest MaxScore window in documents (default 4096); windows start small and double up to it. */
  maxWindow?: number;
}

export function prepareQuery(index: InvertedIndex, query: SparseVector): PreparedQuery {
  const merged = new Map<number, number>();
  for (let i = 0; i < query.terms.length; i++) {
    const t = query.terms[i]!;
    const w = query.weights[i]!;
    if (!(w > 0) || t >= index.numTerms || index.offsets[t + 1]! === index.offsets[t]!) continue;
    merged.set(t, (merged.get(t) ?? 0) + w);
  }
  const entries = [...merged].map(([t, w]) => {
    const weight = Math.fround(w);
    return { t, weight, ub: weight * index.maxImpact[t]! };
  });
  entries.sort((a, b) => b.ub - a.ub || a.t - b.t);
  const n = entries.length;
  const prepared: PreparedQuery = {
    terms: Uint32Array.from(entries, (e) => e.t),
    weights: Float64Array.from(entries, (e) => e.weight),
    upperBounds: Float64Array.from(entries, (e) => e.ub),
    suffixBound: new Float64Array(n + 1),
  };
  for (let j = n - 1; j >= 0; j--) prepared.suffixBound[j] = prepared.suffixBound[j + 1]! + prepared.upperBounds[j]!;
  return prepared;
}

/**
 * Top-k retrieval over an InvertedIndex with reusable scratch memory (one Searcher per thread).
 * Only documents with a positive score are returned, so a result may hold fewer than k entries.
 */
export class Searcher {
  private readonly acc: Float64Array;
  private readonly maxWindow: number;
  private readonly window: Float64Array;
  private readonly marks: Uint8Array;
  private readonly touched: Uint16Array;
  private cursors = new Uint32Array(64);
  private ends = new Uint32Array(64);
  private heap: TopK;
  /** Counters over this searcher's life: candidates the pruned search examined and how many it cut short. */
  readonly stats = { candidates: 0, pruned: 0 };

  constructor(
    readonly index: InvertedIndex,
    options: SearcherOptions = {},
  ) {
    this.maxWindow = Math.max(16, Math.min(65536, options.maxWindow ?? MAX_WINDOW));
    this.window = new Float64Array(this.maxWindow);
    this.marks = new Uint8Array(this.maxWindow);
    this.touched = new Uint16Array(this.maxWindow);
    this.acc = new Float64Array(index.numDocs);
    this.heap = new TopK(1000, index.tieRank);
  }

  search(query: SparseVector | PreparedQuery, k: number, method: SearchMethod = 'maxscore'): SearchResult {
    const prepared = 'suffixBound' in query ? query : prepareQuery(this.index, query);
    if (this.heap.capacity !== k) this.heap = new TopK(k, this.index.tieRank);
    this.heap.reset();
    if (k > 0 && prepared.terms.length > 0) {
      if (method === 'exhaustive') this.exhaustive(prepared);
      else this.maxScore(prepared);
    }
    return this.heap.drain();
  }

  /** Term-at-a-time over all postings into a full accumulator, then one pass to select the top k. */
  private exhaustive(q: PreparedQuery): void {
    const { offsets, postingDocs, impacts } = this.index;
    const acc = this.acc;
    for (let j = 0; j < q.terms.length; j++) {
      const t = q.terms[j]!;
      const w = q.weights[j]!;
      const end = offsets[t + 1]!;
      for (let p = offsets[t]!; p < end; p++) acc[postingDocs[p]!]! += w * impacts[p]!;
    }
    const heap = this.heap;
    const tie = this.index.tieRank;
    let threshold = heap.threshold;
    let thresholdDoc = -1;
    for (let d = 0; d < acc.length; d++) {
      const s = acc[d]!;
      if (s === 0) continue;
      acc[d] = 0;
      // Cheap rejection before the heap's own comparison.
      if (s < threshold || (s === threshold && thresholdDoc >= 0 && tie[d]! <= tie[thresholdDoc]!)) continue;
      heap.offer(d, s);
      if (heap.full) {
        threshold = heap.scores[0]!;
        thresholdDoc = heap.docs[0]!;
      }
    }
  }

  /**
   * MaxScore (Turtle & Flood, 1995) over windows of documents, as Lucene's MaxScoreBulkScorer does: terms
   * [0, e) are essential and scored term-at-a-time into a window accumulator; the rest (whose bounds sum
   * below the current k-th score) are only probed, in order, for documents the essential terms found,
   * and a probe stops as soon as the partial score plus the remaining bounds cannot reach the k-th score.
   */
  private maxScore(q: PreparedQuery): void {
    const { offsets, postingDocs, impacts } = this.index;
    const numDocs = this.index.numDocs;
    const n = q.terms.length;
    if (this.cursors.length < n) {
      this.cursors = new Uint32Array(n * 2);
      this.ends = new Uint32Array(n * 2);
    }
    const cursors = this.cursors;
    const ends = this.ends;
    for (let j = 0; j < n; j++) {
      cursors[j] = offsets[q.terms[j]!]!;
      ends[j] = offsets[q.terms[j]! + 1]!;
    }
    const weights = q.weights;
    const suffix = q.suffixBound;
    const heap = this.heap;
    const tie = this.index.tieRank;
    const acc = this.window;
    const marks = this.marks;
    const touched = this.touched;
    let threshold = -Infinity;
    let essential = n;
    let size = Math.min(FIRST_WINDOW, this.maxWindow);

    let w0 = 0;
    while (w0 < numDocs) {
      while (essential > 0 && suffix[essential - 1]! * BOUND_SLACK < threshold) essential--;
      if (essential === 0) break;
      // Jump to the window holding the next essential posting.
      let next = numDocs;
      for (let j = 0; j < essential; j++) if (cursors[j]! < ends[j]! && postingDocs[cursors[j]!]! < next) next = postingDocs[cursors[j]!]!;
      if (next >= numDocs) break;
      if (next >= w0 + size) w0 = next;
      const w1 = Math.min(w0 + size, numDocs);
      if (size < this.maxWindow) size = Math.min(size * 2, this.maxWindow);

      let count = 0;
      for (let j = 0; j < essential; j++) {
        const w = weights[j]!;
        const end = ends[j]!;
        let p = cursors[j]!;
        for (; p < end; p++) {
          const d = postingDocs[p]!;
          if (d >= w1) break;
          const local = d - w0;
          if (marks[local] === 0) {
            marks[local] = 1;
            touched[count++] = local;
          }
          acc[local]! += w * impacts[p]!;
        }
        cursors[j] = p;
      }

      if (essential === n) {
        for (let i = 0; i < count; i++) {
          const local = touched[i]!;
          const s = acc[local]!;
          acc[local] = 0;
          marks[local] = 0;
          const d = w0 + local;
          if (s < threshold || (s === threshold && tie[d]! <= tie[heap.docs[0]!]!)) continue;
          heap.offer(d, s);
          if (heap.full) threshold = heap.scores[0]!;
        }
      } else {
        // Non-essential lists are probed in document order, so visit the candidates sorted.
        const cand = touched.subarray(0, count);
        cand.sort();
        this.stats.candidates += count;
        for (let i = 0; i < count; i++) {
          const local = cand[i]!;
          let s = acc[local]!;
          acc[local] = 0;
          marks[local] = 0;
          const d = w0 + local;
          let j = essential;
          for (; j < n; j++) {
            if ((s + suffix[j]!) * BOUND_SLACK < threshold) break;
            const end = ends[j]!;
            let p = cursors[j]!;
            if (p < end && postingDocs[p]! < d) {
              // Gallop, then binary search, to the first posting ≥ d.
              let step = 1;
              while (p + step < end && postingDocs[p + step]! < d) {
                p += step;
                step <<= 1;
              }
              let lo = p + 1;
              let hi = Math.min(p + step, end);
              while (lo < hi) {
                const mid = (lo + hi) >>> 1;
                if (postingDocs[mid]! < d) lo = mid + 1;
                else hi = mid;
              }
              p = lo;
              cursors[j] = p;
            }
            if (p < end && postingDocs[p] === d) s += weights[j]! * impacts[p]!;
          }
          if (j < n) {
            this.stats.pruned++;
            continue;
          }
          if (s < threshold || (s === threshold && tie[d]! <= tie[heap.docs[0]!]!)) continue;
          heap.offer(d, s);
          if (heap.full) threshold = heap.scores[0]!;
        }
      }
      w0 = w1;
    }
  }
}

/** Maps a search result to (external id, score) pairs. */
export function resultToRun(index: InvertedIndex, result: SearchResult): { docid: string; score: number }[] {
  const out = new Array<{ docid: string; score: number }>(result.docs.length);
  for (let i = 0; i < result.docs.length; i++) out[i] = { docid: index.docIds[result.docs[i]!]!, score: result.scores[i]! };
  return out;
}
