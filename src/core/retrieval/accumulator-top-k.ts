import { allocateArray, kernelFor, type SearchKernel, type WasmMemory } from './search-kernel.ts';
import { kthLargest } from './top-k.ts';

/** Scores sampled from the accumulator to estimate the k-th score. */
const SAMPLES = 1024;
/** Below this many documents per result, sampling saves nothing: every positive score is a candidate. */
const MIN_DOCS_PER_RESULT = 8;
/** Buckets of the candidates' bucket sort per candidate. */
const BUCKETS_PER_ENTRY = 2;
/** Scores are integers in the fixed-point scheme of PreparedQuery; this rounds one contribution. */
const ROUNDER = 2 ** 52;

/**
 * Top-k selection over a dense score accumulator (one slot per document; positive slots are the documents
 * found), in the order of TopK: score descending, ties by tieRank descending. Instead of a heap fed with
 * every document: a strided sample of the scores gives a threshold that about 1.3 k documents reach
 * (margin 3 standard deviations; when fewer reach it, every positive score is taken instead, so the
 * result is exact either way); one pass collects those candidates (in the search kernel where the accumulator
 * lies in its memory), which are sorted (bucket sort by score, then by tieRank within buckets; with many
 * more candidates than k, quickselect finds the k-th score first and only the documents reaching it are
 * sorted).
 *
 * The caller may leave one dense column unscored: select() adds its contributions (rounded as in the
 * searcher's loops) in the same pass that collects candidates, saving a write pass over the accumulator.
 */
export class AccumulatorTopK {
  private readonly candDocs: Int32Array;
  private readonly candScores: Float64Array;
  private readonly work: Float64Array;
  private readonly workDocs: Int32Array;
  private readonly sample: Float64Array;
  private readonly buckets: Int32Array;
  private readonly kernel: SearchKernel | undefined;

  /**
   * With `kernelMemory`, candidates are collected by the search kernel: every accumulator given to
   * select() must then lie in that memory.
   */
  constructor(
    readonly numDocs: number,
    private readonly tieRank: Int32Array,
    kernelMemory?: WasmMemory,
  ) {
    if (kernelMemory) {
      this.kernel = kernelFor(kernelMemory);
      this.candDocs = allocateArray(kernelMemory, Int32Array, numDocs);
      this.candScores = allocateArray(kernelMemory, Float64Array, numDocs);
    } else {
      this.candDocs = new Int32Array(numDocs);
      this.candScores = new Float64Array(numDocs);
    }
    this.work = new Float64Array(numDocs);
    this.workDocs = new Int32Array(numDocs);
    this.sample = new Float64Array(Math.min(SAMPLES, numDocs));
    this.buckets = new Int32Array(BUCKETS_PER_ENTRY * numDocs + 1);
  }

  /**
   * The best min(k, positive scores) documents and their scores, best first, a document's score being
   * acc[d] plus, when `column` is given, round(weight · column[d]). Leaves `acc` all zero.
   */
  select(acc: Float64Array, k: number, column?: Float32Array, weight = 0): { docs: Int32Array; scores: Float64Array } {
    const numDocs = this.numDocs;
    // Scores found are positive, so the smallest double above zero admits exactly the documents found.
    let threshold = Number.MIN_VALUE;
    if (k > 0 && numDocs >= MIN_DOCS_PER_RESULT * k && numDocs >= 2 * this.sample.length) {
      const sample = this.sample;
      const size = sample.length;
      const stride = Math.floor(numDocs / size);
      if (column) for (let i = 0; i < size; i++) sample[i] = acc[i * stride]! + (weight * column[i * stride]! + ROUNDER - ROUNDER);
      else for (let i = 0; i < size; i++) sample[i] = acc[i * stride]!;
      const expected = (k * size) / numDocs;
      const rank = Math.min(size, Math.ceil(expected + 3 * Math.sqrt(expected) + 2));
      const estimate = kthLargest(sample, size, rank);
      if (estimate > threshold) threshold = estimate;
    }
    const { kernel, candDocs, candScores } = this;
    const gather = (t: number): number =>
      column
        ? collectWithColumn(acc, column, weight, t, candDocs, candScores)
        : kernel
          ? kernel.collect(acc.byteOffset, numDocs, t, candDocs.byteOffset, candScores.byteOffset)
          : collect(acc, t, candDocs, candScores);
    let n = k > 0 ? gather(threshold) : 0;
    if (n < k && threshold > Number.MIN_VALUE) n = gather(Number.MIN_VALUE);
    acc.fill(0);
    return this.finish(n, k);
  }

  /** The best k of the n candidates, sorted. */
  private finish(n: number, k: number): { docs: Int32Array; scores: Float64Array } {
    const { candDocs, candScores } = this;
    // Many more candidates than results (no sample, or its threshold failed): the k-th score first.
    if (n > 2 * k) {
      const work = this.work;
      for (let i = 0; i < n; i++) work[i] = candScores[i]!;
      const cut = kthLargest(work, n, k);
      let m = 0;
      for (let i = 0; i < n; i++) {
        const s = candScores[i]!;
        if (s >= cut) {
          candScores[m] = s;
          candDocs[m] = candDocs[i]!;
          m++;
        }
      }
      n = m;
    }
    const out = Math.min(n, k);
    if (n < 64) {
      sortByScore(candScores, candDocs, 0, n, this.tieRank);
      return { docs: candDocs.slice(0, out), scores: candScores.slice(0, out) };
    }
    this.bucketSort(n);
    return { docs: this.workDocs.slice(0, out), scores: this.work.slice(0, out) };
  }

  /**
   * Sorts the n candidates into work / workDocs: 2n buckets of equal width over [min, max] score, filled
   * best first (a score's bucket is monotone in it); buckets of more than 32 entries sorted on their own;
   * then one insertion pass over everything orders the small buckets (no entry passes a bucket boundary).
   */
  private bucketSort(n: number): void {
    const { candDocs, candScores, tieRank, work, workDocs } = this;
    let max = -Infinity;
    let min = Infinity;
    for (let i = 0; i < n; i++) {
      const s = candScores[i]!;
      if (s > max) max = s;
      if (s < min) min = s;
    }
    const numBuckets = BUCKETS_PER_ENTRY * n;
    const f = max > min ? (numBuckets - 1) / (max - min) : 0;
    const start = this.buckets;
    start.fill(0, 0, numBuckets + 1);
    for (let i = 0; i < n; i++) start[Math.floor((max - candScores[i]!) * f) + 1]!++;
    for (let b = 0; b < numBuckets; b++) start[b + 1]! += start[b]!;
    for (let i = 0; i < n; i++) {
      const s = candScores[i]!;
      const at = start[Math.floor((max - s) * f)]!++;
      work[at] = s;
      workDocs[at] = candDocs[i]!;
    }
    // start[b] is now where bucket b ends (and b + 1 begins).
    let lo = 0;
    for (let b = 0; b < numBuckets; b++) {
      const hi = start[b]!;
      if (hi - lo > 32) sortByScore(work, workDocs, lo, hi, tieRank);
      lo = hi;
    }
    insertionSort(work, workDocs, 0, n - 1, tieRank);
  }
}

function collect(acc: Float64Array, threshold: number, docs: Int32Array, scores: Float64Array): number {
  const numDocs = acc.length;
  let n = 0;
  for (let d = 0; d < numDocs; d++) {
    const s = acc[d]!;
    if (s >= threshold) {
      docs[n] = d;
      scores[n] = s;
      n++;
    }
  }
  return n;
}

function collectWithColumn(acc: Float64Array, column: Float32Array, w: number, threshold: number, docs: Int32Array, scores: Float64Array): number {
  const numDocs = acc.length;
  let n = 0;
  for (let d = 0; d < numDocs; d++) {
    const s = acc[d]! + (w * column[d]! + ROUNDER - ROUNDER);
    if (s >= threshold) {
      docs[n] = d;
      scores[n] = s;
      n++;
    }
  }
  return n;
}

/**
 * Sorts entries [from, to) of the parallel arrays by score descending, ties by tieRank[doc] descending
 * (quicksort with median-of-three pivots, insertion sort for short ranges).
 */
export function sortByScore(scores: Float64Array, docs: Int32Array, from: number, to: number, tieRank: Int32Array): void {
  if (to - from <= 16) {
    insertionSort(scores, docs, from, to - 1, tieRank);
    return;
  }
  const stack: number[] = [from, to - 1];
  while (stack.length > 0) {
    let hi = stack.pop()!;
    let lo = stack.pop()!;
    while (hi - lo >= 16) {
      // Median of three to the middle, then Hoare partition around it.
      const mid = (lo + hi) >>> 1;
      if (before(scores, docs, tieRank, mid, lo)) swap(scores, docs, mid, lo);
      if (before(scores, docs, tieRank, hi, lo)) swap(scores, docs, hi, lo);
      if (before(scores, docs, tieRank, hi, mid)) swap(scores, docs, hi, mid);
      const ps = scores[mid]!;
      const pr = tieRank[docs[mid]!]!;
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (scores[i]! > ps || (scores[i] === ps && tieRank[docs[i]!]! > pr)) i++;
        while (scores[j]! < ps || (scores[j] === ps && tieRank[docs[j]!]! < pr)) j--;
        if (i <= j) {
          swap(scores, docs, i, j);
          i++;
          j--;
        }
      }
      // Go on with the smaller side, defer the larger one.
      if (j - lo < hi - i) {
        stack.push(i, hi);
        hi = j;
      } else {
        stack.push(lo, j);
        lo = i;
      }
    }
    insertionSort(scores, docs, lo, hi, tieRank);
  }
}

function insertionSort(scores: Float64Array, docs: Int32Array, lo: number, hi: number, tieRank: Int32Array): void {
  for (let i = lo + 1; i <= hi; i++) {
    const s = scores[i]!;
    const d = docs[i]!;
    const r = tieRank[d]!;
    let x = i - 1;
    while (x >= lo && (scores[x]! < s || (scores[x] === s && tieRank[docs[x]!]! < r))) {
      scores[x + 1] = scores[x]!;
      docs[x + 1] = docs[x]!;
      x--;
    }
    scores[x + 1] = s;
    docs[x + 1] = d;
  }
}

/** Whether entry a sorts before entry b. */
function before(scores: Float64Array, docs: Int32Array, tieRank: Int32Array, a: number, b: number): boolean {
  return scores[a]! > scores[b]! || (scores[a] === scores[b] && tieRank[docs[a]!]! > tieRank[docs[b]!]!);
}

function swap(scores: Float64Array, docs: Int32Array, a: number, b: number): void {
  const s = scores[a]!;
  scores[a] = scores[b]!;
  scores[b] = s;
  const d = docs[a]!;
  docs[a] = docs[b]!;
  docs[b] = d;
}
