import { AccumulatorTopK } from './accumulator-top-k.ts';
import { BLOCK_SHIFT, type InvertedIndex } from './inverted-index.ts';
import type { PostingsView } from './postings-view.ts';
import { allocate, kernelFor, type SearchKernel, type WasmMemory } from './search-kernel.ts';
import type { SparseVector } from './sparse-vector.ts';
import { TopK } from './top-k.ts';

/**
 * `taat`: term-at-a-time over every posting of every query term (no pruning); `maxscore`: block-max
 * MaxScore dynamic pruning. Both are exact and return identical results. On SPLADE-like vectors (tens of
 * query terms, each with moderate weight) pruning finds little to skip and `taat` is faster (see
 * `lsr bench search`), hence the default; this is the known difficulty of dynamic pruning with learned
 * sparse expansions (Mackenzie et al., 2021).
 */
export type SearchMethod = 'taat' | 'maxscore';
export const DEFAULT_SEARCH_METHOD: SearchMethod = 'taat';

export interface SearchResult {
  /** Document numbers, best first. */
  docs: Int32Array;
  scores: Float64Array;
}

/**
 * A query made ready for scoring: its terms that have postings, merged, ordered by upper bound
 * (query weight × the term's largest impact) descending.
 *
 * Scores are computed in fixed point: each contribution is `round(w_q · w_d · scale)` (ties to even),
 * scale a power of two (2^32 unless the query's bounds need a smaller one), summed in float64, where every
 * partial sum is an integer below 2^53 and hence exact. Sums are then independent of the order of
 * addition, so every method (and the forward scan of forward-scan.ts) computes bit-identical scores and
 * ranks identically, ties included. The score returned is the sum divided by scale: within n · 2^-33 of
 * the exact dot product of the float32 weights.
 */
export interface PreparedQuery {
  terms: Uint32Array;
  /** Query weights times scale (exact: float32 values times a power of two). */
  scaled: Float64Array;
  scale: number;
}

const MAX_SCALE = 2 ** 32;
/**
 * Adding then subtracting 2^52 rounds a double in [0, 2^52) to the nearest integer (ties to even): at
 * 2^52 the spacing of doubles is 1. Unlike Math.round it costs two additions in the inner loops.
 */
const ROUNDER = 2 ** 52;
/** Largest MaxScore window (documents); at most 65536 (window offsets are uint16). */
const MAX_WINDOW = 8192;
/** The first window is small so the k-th score, and with it pruning, is established early. */
const FIRST_WINDOW = 512;

export interface SearcherOptions {
  /** Largest MaxScore window in documents (default 8192); windows start small and double up to it. */
  maxWindow?: number;
  /**
   * Term-at-a-time through the WebAssembly kernel (search-kernel.ts) where the index lives in its memory
   * (default true); false keeps to the JavaScript loops, which compute the same scores.
   */
  kernel?: boolean;
}

/** 16-byte records (u32, u32, f64) telling the kernel what to add: posting ranges or dense columns. */
const RECORD_BYTES = 16;

/**
 * A Searcher's own part of the index's kernel memory: its accumulator and a record list with room for
 * every term of the index (a prepared query holds each term once).
 */
class KernelScratch {
  readonly kernel: SearchKernel;
  readonly acc: Float64Array;
  readonly listAddress: number;
  readonly listU32: Uint32Array;
  readonly listF64: Float64Array;

  constructor(memory: WasmMemory, numDocs: number, numTerms: number) {
    this.kernel = kernelFor(memory);
    const address = allocate(memory, numDocs * 8);
    this.acc = new Float64Array(memory.buffer, address, numDocs);
    this.listAddress = allocate(memory, Math.max(1, numTerms) * RECORD_BYTES);
    this.listU32 = new Uint32Array(memory.buffer, this.listAddress, Math.max(1, numTerms) * 4);
    this.listF64 = new Float64Array(memory.buffer, this.listAddress, Math.max(1, numTerms) * 2);
  }
}

/** Queries up to this many terms merge duplicates and sort by linear scans, longer ones through a Map. */
const SHORT_QUERY = 48;

export function prepareQuery(index: PostingsView, query: SparseVector): PreparedQuery {
  const { offsets, maxImpact } = index;
  const numTerms = index.numTerms;
  const n = query.terms.length;
  const terms = new Uint32Array(n);
  const sums = new Float64Array(n);
  const slots = n > SHORT_QUERY ? new Map<number, number>() : undefined;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const t = query.terms[i]!;
    const w = query.weights[i]!;
    if (!(w > 0) || t >= numTerms || offsets[t + 1]! === offsets[t]!) continue;
    let at = -1;
    if (slots) at = slots.get(t) ?? -1;
    else for (let x = 0; x < m; x++) if (terms[x] === t) at = x;
    if (at >= 0) {
      sums[at]! += w;
    } else {
      slots?.set(t, m);
      terms[m] = t;
      sums[m] = w;
      m++;
    }
  }
  const weight = new Float64Array(m);
  const ub = new Float64Array(m);
  for (let x = 0; x < m; x++) {
    weight[x] = Math.fround(sums[x]!);
    ub[x] = weight[x]! * maxImpact[terms[x]!]!;
  }
  // By upper bound descending, then term ascending.
  const before = (a: number, b: number): boolean => ub[a]! > ub[b]! || (ub[a] === ub[b] && terms[a]! < terms[b]!);
  let order: Int32Array;
  if (m <= SHORT_QUERY) {
    order = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      let x = i - 1;
      while (x >= 0 && before(i, order[x]!)) {
        order[x + 1] = order[x]!;
        x--;
      }
      order[x + 1] = i;
    }
  } else {
    order = Int32Array.from({ length: m }, (_, i) => i).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  }
  let bound = 0;
  for (let i = 0; i < m; i++) bound += ub[order[i]!]!;
  // Keep Σ ceil(contribution bounds) below 2^52 so every partial sum stays an exact integer.
  let scale = MAX_SCALE;
  while (scale > 2 ** -60 && bound * scale + m >= 2 ** 52) scale /= 2;
  const outTerms = new Uint32Array(m);
  const scaled = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    outTerms[i] = terms[order[i]!]!;
    scaled[i] = weight[order[i]!]! * scale;
  }
  return { terms: outTerms, scaled, scale };
}

/**
 * Top-k retrieval over an index with reusable scratch memory (one Searcher per thread).
 * Only documents with a positive score are returned, so a result may hold fewer than k entries.
 */
export class Searcher {
  private readonly acc: Float64Array;
  private readonly scratch: KernelScratch | undefined;
  private readonly top: AccumulatorTopK;
  /** The index's dense columns as views, and this query's columns with their scaled weights. */
  private readonly columns: Float32Array[];
  private readonly queryColumns: Float32Array[];
  private readonly columnWeights: Float64Array;
  private readonly maxWindow: number;
  private readonly window: Float64Array;
  private cursors = new Uint32Array(64);
  private ends = new Uint32Array(64);
  private windowEnds = new Uint32Array(64);
  private order = new Int32Array(64);
  private bounds = new Float64Array(64);
  private suffix = new Float64Array(65);
  private heap: TopK | undefined;
  /** Counters over this searcher's life: candidates the pruned search examined and how many it cut short. */
  readonly stats = { windows: 0, skippedWindows: 0, candidates: 0, pruned: 0 };

  constructor(
    readonly index: PostingsView,
    options: SearcherOptions = {},
  ) {
    this.maxWindow = Math.max(16, Math.min(65536, options.maxWindow ?? MAX_WINDOW));
    this.window = new Float64Array(this.maxWindow);
    // Each Searcher holds its region of the index's kernel memory for the index's life; where the memory
    // cannot grow any more (wasm32's 4 GiB), this Searcher keeps to the JavaScript loops.
    let scratch: KernelScratch | undefined;
    let top: AccumulatorTopK | undefined;
    if (options.kernel !== false && index.kernelMemory) {
      try {
        scratch = new KernelScratch(index.kernelMemory, index.numDocs, index.numTerms);
        top = new AccumulatorTopK(index.numDocs, index.tieRank, index.kernelMemory);
      } catch {
        scratch = undefined;
      }
    }
    this.scratch = scratch;
    this.acc = scratch?.acc ?? new Float64Array(index.numDocs);
    this.top = top ?? new AccumulatorTopK(index.numDocs, index.tieRank);
    const numDocs = index.numDocs;
    const numColumns = numDocs > 0 ? index.denseImpacts.length / numDocs : 0;
    this.columns = Array.from({ length: numColumns }, (_, c) => index.denseImpacts.subarray(c * numDocs, (c + 1) * numDocs));
    this.queryColumns = new Array<Float32Array>(numColumns).fill(new Float32Array(0));
    this.columnWeights = new Float64Array(numColumns);
  }

  search(query: SparseVector | PreparedQuery, k: number, method: SearchMethod = DEFAULT_SEARCH_METHOD): SearchResult {
    const prepared = 'scaled' in query ? query : prepareQuery(this.index, query);
    let result: SearchResult;
    if (k <= 0 || prepared.terms.length === 0) {
      result = { docs: new Int32Array(0), scores: new Float64Array(0) };
    } else if (method === 'maxscore') {
      if (this.heap?.capacity !== k) this.heap = new TopK(k, this.index.tieRank);
      this.heap.reset();
      this.maxScore(prepared, this.heap);
      result = this.heap.drain();
    } else if (this.scratch) {
      result = this.termAtATimeKernel(prepared, k, this.scratch);
    } else {
      result = this.termAtATime(prepared, k);
    }
    for (let i = 0; i < result.scores.length; i++) result.scores[i]! /= prepared.scale;
    return result;
  }

  /**
   * Term-at-a-time in the kernel: posting lists of the terms without a dense column scattered into the
   * accumulator, then the dense columns four at a time; then the top k in JavaScript.
   */
  private termAtATimeKernel(q: PreparedQuery, k: number, scratch: KernelScratch): SearchResult {
    const { offsets, denseColumn, denseImpacts, postingDocs, impacts, numDocs } = this.index;
    const n = q.terms.length;
    const { listU32, listF64 } = scratch;
    let sparse = 0;
    for (let j = 0; j < n; j++) {
      const t = q.terms[j]!;
      if (denseColumn[t]! >= 0) continue;
      listU32[4 * sparse] = offsets[t]!;
      listU32[4 * sparse + 1] = offsets[t + 1]!;
      listF64[2 * sparse + 1] = q.scaled[j]!;
      sparse++;
    }
    let r = sparse;
    for (let j = 0; j < n; j++) {
      const c = denseColumn[q.terms[j]!]!;
      if (c < 0) continue;
      listU32[4 * r] = denseImpacts.byteOffset + c * numDocs * 4;
      listF64[2 * r + 1] = q.scaled[j]!;
      r++;
    }
    const acc = scratch.acc.byteOffset;
    scratch.kernel.scatter(acc, postingDocs.byteOffset, impacts.byteOffset, scratch.listAddress, sparse);
    scratch.kernel.addColumns(acc, numDocs, scratch.listAddress + sparse * RECORD_BYTES, r - sparse);
    return this.top.select(this.acc, k);
  }

  /**
   * Term-at-a-time over every posting into a full accumulator: the query's terms that have dense columns
   * in fused passes of up to four columns, the others through their posting lists. The last dense column
   * is scored in the pass that collects the top-k candidates.
   */
  private termAtATime(q: PreparedQuery, k: number): SearchResult {
    const { offsets, postingDocs, impacts, denseColumn } = this.index;
    const acc = this.acc;
    const { columns, queryColumns, columnWeights } = this;
    let dense = 0;
    for (let j = 0; j < q.terms.length; j++) {
      const t = q.terms[j]!;
      const w = q.scaled[j]!;
      const c = denseColumn[t]!;
      if (c >= 0) {
        queryColumns[dense] = columns[c]!;
        columnWeights[dense] = w;
        dense++;
        continue;
      }
      const end = offsets[t + 1]!;
      for (let p = offsets[t]!; p < end; p++) acc[postingDocs[p]!]! += w * impacts[p]! + ROUNDER - ROUNDER;
    }
    if (dense === 0) return this.top.select(acc, k);
    const fused = dense - 1;
    let i = 0;
    for (; i + 4 <= fused; i += 4) {
      addColumns4(acc, queryColumns[i]!, queryColumns[i + 1]!, queryColumns[i + 2]!, queryColumns[i + 3]!, columnWeights, i);
    }
    if (fused - i === 3) addColumns3(acc, queryColumns[i]!, queryColumns[i + 1]!, queryColumns[i + 2]!, columnWeights, i);
    else if (fused - i === 2) addColumns2(acc, queryColumns[i]!, queryColumns[i + 1]!, columnWeights, i);
    else if (fused - i === 1) addColumns1(acc, queryColumns[i]!, columnWeights, i);
    return this.top.select(acc, k, queryColumns[fused]!, columnWeights[fused]!);
  }

  /**
   * Block-max MaxScore (Turtle & Flood, 1995; windows as in Lucene's MaxScoreBulkScorer). Documents are
   * taken in windows; in each, every term's bound is its query weight times the largest impact of the
   * posting blocks it has there. Terms sorted by that bound split into essential ones and a non-essential
   * tail whose bounds sum below the current k-th score: essential terms are scored term-at-a-time into a
   * window accumulator, and the tail is probed only for the documents they found, stopping as soon as the
   * partial score plus the remaining bounds falls below the k-th score. Windows whose bounds sum below it
   * are skipped whole.
   */
  private maxScore(q: PreparedQuery, heap: TopK): void {
    const { offsets, postingDocs, impacts, blockMax, maxImpact } = this.index;
    const numDocs = this.index.numDocs;
    const n = q.terms.length;
    if (this.cursors.length < n) {
      this.cursors = new Uint32Array(n * 2);
      this.ends = new Uint32Array(n * 2);
      this.windowEnds = new Uint32Array(n * 2);
      this.order = new Int32Array(n * 2);
      this.bounds = new Float64Array(n * 2);
      this.suffix = new Float64Array(n * 2 + 1);
    }
    const { cursors, ends, windowEnds, order, bounds, suffix } = this;
    for (let j = 0; j < n; j++) {
      cursors[j] = offsets[q.terms[j]!]!;
      ends[j] = offsets[q.terms[j]! + 1]!;
    }
    const scaled = q.scaled;
    const acc = this.window;
    const stats = this.stats;
    let threshold = -Infinity;
    let size = Math.min(FIRST_WINDOW, this.maxWindow);

    let w0 = 0;
    while (w0 < numDocs) {
      // Next document any term still has; windows start there.
      let next = numDocs;
      for (let j = 0; j < n; j++) if (cursors[j]! < ends[j]! && postingDocs[cursors[j]!]! < next) next = postingDocs[cursors[j]!]!;
      if (next >= numDocs) break;
      if (next > w0) w0 = next;
      const w1 = Math.min(w0 + size, numDocs);
      if (size < this.maxWindow) size = Math.min(size * 2, this.maxWindow);
      stats.windows++;

      // Window bounds (scaled, rounded up), after moving every cursor to its first posting ≥ w0.
      let total = 0;
      for (let j = 0; j < n; j++) {
        const end = ends[j]!;
        let p = cursors[j]!;
        if (p < end && postingDocs[p]! < w0) {
          p = gallop(postingDocs, p, end, w0);
          cursors[j] = p;
        }
        // Walk the blocks holding postings < w1; then bisect the last one for the window's end.
        let m = 0;
        let last = p;
        while (p < end && postingDocs[p]! < w1) {
          const b = p >> BLOCK_SHIFT;
          if (blockMax[b]! > m) m = blockMax[b]!;
          last = p;
          p = (b + 1) << BLOCK_SHIFT;
        }
        let lo = last;
        let hi = p < end ? p : end;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (postingDocs[mid]! < w1) lo = mid + 1;
          else hi = mid;
        }
        windowEnds[j] = lo;
        const cap = maxImpact[q.terms[j]!]!;
        const ub = Math.ceil(scaled[j]! * (m < cap ? m : cap));
        bounds[j] = ub;
        total += ub;
        order[j] = j;
      }
      if (total < threshold) {
        stats.skippedWindows++;
        w0 = w1;
        continue;
      }
      // Terms by window bound, descending (insertion sort: queries have tens of terms).
      for (let i = 1; i < n; i++) {
        const j = order[i]!;
        const b = bounds[j]!;
        let x = i - 1;
        while (x >= 0 && bounds[order[x]!]! < b) {
          order[x + 1] = order[x]!;
          x--;
        }
        order[x + 1] = j;
      }
      suffix[n] = 0;
      for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + bounds[order[i]!]!;
      // Essential terms are order[0 .. essential); a document only in the others scores below threshold.
      let essential = n;
      while (essential > 0 && suffix[essential - 1]! < threshold) essential--;

      for (let i = 0; i < essential; i++) {
        const j = order[i]!;
        const w = scaled[j]!;
        const wend = windowEnds[j]!;
        for (let p = cursors[j]!; p < wend; p++) acc[postingDocs[p]! - w0]! += w * impacts[p]! + ROUNDER - ROUNDER;
        cursors[j] = wend;
      }

      // Contributions are positive, so the documents found are exactly the nonzero accumulator slots;
      // walking them in order also lets the tail be probed with forward-only cursors.
      threshold = this.collectWindow(q, heap, w0, w1, essential, threshold);
      w0 = w1;
    }
  }

  /** Scores the window's candidates (probing the non-essential tail) into the heap; returns the new threshold. */
  private collectWindow(q: PreparedQuery, heap: TopK, w0: number, w1: number, essential: number, threshold: number): number {
    const { postingDocs, impacts } = this.index;
    const { cursors, ends, order, suffix } = this;
    const scaled = q.scaled;
    const n = q.terms.length;
    const acc = this.window;
    const tie = this.index.tieRank;
    const width = w1 - w0;
    let candidates = 0;
    let pruned = 0;
    for (let local = 0; local < width; local++) {
      let s = acc[local]!;
      if (s === 0) continue;
      acc[local] = 0;
      const d = w0 + local;
      if (essential < n) {
        candidates++;
        let x = essential;
        for (; x < n; x++) {
          if (s + suffix[x]! < threshold) break;
          const j = order[x]!;
          const end = ends[j]!;
          let p = cursors[j]!;
          if (p < end && postingDocs[p]! < d) {
            p = gallop(postingDocs, p, end, d);
            cursors[j] = p;
          }
          if (p < end && postingDocs[p] === d) s += scaled[j]! * impacts[p]! + ROUNDER - ROUNDER;
        }
        if (x < n) {
          pruned++;
          continue;
        }
      }
      if (s < threshold || (s === threshold && tie[d]! <= tie[heap.docs[0]!]!)) continue;
      heap.offer(d, s);
      if (heap.full) threshold = heap.scores[0]!;
    }
    this.stats.candidates += candidates;
    this.stats.pruned += pruned;
    return threshold;
  }
}

// Dense columns scored into the accumulator, each contribution rounded as in the posting loops.
function addColumns4(acc: Float64Array, c0: Float32Array, c1: Float32Array, c2: Float32Array, c3: Float32Array, w: Float64Array, i: number): void {
  const w0 = w[i]!;
  const w1 = w[i + 1]!;
  const w2 = w[i + 2]!;
  const w3 = w[i + 3]!;
  const n = acc.length;
  for (let d = 0; d < n; d++) {
    acc[d]! += w0 * c0[d]! + ROUNDER - ROUNDER + (w1 * c1[d]! + ROUNDER - ROUNDER) + (w2 * c2[d]! + ROUNDER - ROUNDER) + (w3 * c3[d]! + ROUNDER - ROUNDER);
  }
}

function addColumns3(acc: Float64Array, c0: Float32Array, c1: Float32Array, c2: Float32Array, w: Float64Array, i: number): void {
  const w0 = w[i]!;
  const w1 = w[i + 1]!;
  const w2 = w[i + 2]!;
  const n = acc.length;
  for (let d = 0; d < n; d++) acc[d]! += w0 * c0[d]! + ROUNDER - ROUNDER + (w1 * c1[d]! + ROUNDER - ROUNDER) + (w2 * c2[d]! + ROUNDER - ROUNDER);
}

function addColumns2(acc: Float64Array, c0: Float32Array, c1: Float32Array, w: Float64Array, i: number): void {
  const w0 = w[i]!;
  const w1 = w[i + 1]!;
  const n = acc.length;
  for (let d = 0; d < n; d++) acc[d]! += w0 * c0[d]! + ROUNDER - ROUNDER + (w1 * c1[d]! + ROUNDER - ROUNDER);
}

function addColumns1(acc: Float64Array, c0: Float32Array, w: Float64Array, i: number): void {
  const w0 = w[i]!;
  const n = acc.length;
  for (let d = 0; d < n; d++) acc[d]! += w0 * c0[d]! + ROUNDER - ROUNDER;
}

/**
 * First position in [p, end) whose document is ≥ target (postings ascending; docs[p] < target): a few
 * linear steps (the usual case when most documents are candidates), then galloping and bisection.
 */
function gallop(docs: Uint32Array, p: number, end: number, target: number): number {
  const linearEnd = p + 8 < end ? p + 8 : end;
  for (p++; p < linearEnd; p++) if (docs[p]! >= target) return p;
  if (p >= end) return end;
  if (docs[p]! >= target) return p;
  let step = 1;
  while (p + step < end && docs[p + step]! < target) {
    p += step;
    step <<= 1;
  }
  let lo = p + 1;
  let hi = Math.min(p + step, end);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Maps a search result to (external id, score) pairs. */
export function resultToRun(index: InvertedIndex, result: SearchResult): { docid: string; score: number }[] {
  const out = new Array<{ docid: string; score: number }>(result.docs.length);
  for (let i = 0; i < result.docs.length; i++) out[i] = { docid: index.docIds[result.docs[i]!]!, score: result.scores[i]! };
  return out;
}
