/**
 * The k best (score, doc) pairs seen so far, as a binary min-heap whose root is the worst kept entry.
 * Order: score descending, ties by `tieRank` descending (tieRank[doc] is the rank of the document's id in
 * ascending string order, so ties go to the larger id, as trec_eval breaks them).
 */
export class TopK {
  readonly scores: Float64Array;
  readonly docs: Int32Array;
  size = 0;

  constructor(
    readonly capacity: number,
    private readonly tieRank: Int32Array,
  ) {
    this.scores = new Float64Array(Math.max(1, capacity));
    this.docs = new Int32Array(Math.max(1, capacity));
  }

  reset(): void {
    this.size = 0;
  }

  get full(): boolean {
    return this.size >= this.capacity;
  }

  /** The score a new document must reach (ties decided by tieRank); -Infinity while not full. */
  get threshold(): number {
    return this.size >= this.capacity ? this.scores[0]! : -Infinity;
  }

  /** Offers a document; returns true if it was kept. */
  offer(doc: number, score: number): boolean {
    const scores = this.scores;
    const docs = this.docs;
    const tie = this.tieRank;
    if (this.size < this.capacity) {
      // Sift up.
      let i = this.size++;
      const rank = tie[doc]!;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const ps = scores[parent]!;
        if (ps < score || (ps === score && tie[docs[parent]!]! < rank)) break;
        scores[i] = ps;
        docs[i] = docs[parent]!;
        i = parent;
      }
      scores[i] = score;
      docs[i] = doc;
      return true;
    }
    if (this.capacity === 0) return false;
    const rootScore = scores[0]!;
    if (score < rootScore || (score === rootScore && tie[doc]! <= tie[docs[0]!]!)) return false;
    this.replaceRoot(doc, score);
    return true;
  }

  private replaceRoot(doc: number, score: number): void {
    const scores = this.scores;
    const docs = this.docs;
    const tie = this.tieRank;
    const n = this.size;
    const rank = tie[doc]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      const r = l + 1;
      if (r < n) {
        const ls = scores[l]!;
        const rs = scores[r]!;
        if (rs < ls || (rs === ls && tie[docs[r]!]! < tie[docs[l]!]!)) c = r;
      }
      const cs = scores[c]!;
      if (score < cs || (score === cs && rank < tie[docs[c]!]!)) break;
      scores[i] = cs;
      docs[i] = docs[c]!;
      i = c;
    }
    scores[i] = score;
    docs[i] = doc;
  }

  /** The kept entries best first; empties the heap. */
  drain(): { docs: Int32Array; scores: Float64Array } {
    const n = this.size;
    const outDocs = new Int32Array(n);
    const outScores = new Float64Array(n);
    for (let i = n - 1; i >= 0; i--) {
      outDocs[i] = this.docs[0]!;
      outScores[i] = this.scores[0]!;
      const lastDoc = this.docs[this.size - 1]!;
      const lastScore = this.scores[this.size - 1]!;
      this.size--;
      if (this.size > 0) this.replaceRoot(lastDoc, lastScore);
    }
    return { docs: outDocs, scores: outScores };
  }
}

/**
 * The k-th largest value of values[0, n) (1 ≤ k ≤ n), by quickselect (Hoare partition, median-of-three
 * pivots); reorders `values`. Used to find the score a document needs before any heap work.
 */
export function kthLargest(values: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  const target = k - 1; // index in descending order
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const a = values[lo]!;
    const b = values[mid]!;
    const c = values[hi]!;
    const pivot = a > b ? (b > c ? b : a > c ? c : a) : a > c ? a : b > c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target]!;
  }
  return values[target]!;
}

