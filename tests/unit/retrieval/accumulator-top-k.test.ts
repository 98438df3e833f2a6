import { describe, expect, it } from 'vitest';
import { AccumulatorTopK, sortByScore } from '../../../src/core/retrieval/accumulator-top-k.ts';
import { allocateArray, createKernelMemory, type WasmMemory } from '../../../src/core/retrieval/search-kernel.ts';
import { Rng } from '../../../src/core/train/rng.ts';

/** Round half to even, written out (the searcher rounds contributions this way, through 2^52). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const r = x - f;
  return r > 0.5 ? f + 1 : r < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}

/** Independent reference: every positive score, sorted by score descending then tieRank descending, first k. */
function reference(scores: Float64Array, tieRank: Int32Array, k: number): { docs: number[]; scores: number[] } {
  const docs: number[] = [];
  for (let d = 0; d < scores.length; d++) if (scores[d]! > 0) docs.push(d);
  docs.sort((a, b) => scores[b]! - scores[a]! || tieRank[b]! - tieRank[a]!);
  const top = docs.slice(0, k);
  return { docs: top, scores: top.map((d) => scores[d]!) };
}

function shuffledRanks(rng: Rng, n: number): Int32Array {
  const r = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [r[i], r[j]] = [r[j]!, r[i]!];
  }
  return r;
}

function run(top: AccumulatorTopK, acc: Float64Array, k: number, column?: Float32Array, weight = 0): { docs: number[]; scores: number[] } {
  const r = top.select(acc, k, column, weight);
  return { docs: Array.from(r.docs), scores: Array.from(r.scores) };
}

describe.each(['JavaScript', 'kernel'] as const)('AccumulatorTopK (candidates collected in %s)', (mode) => {
  const rng = new Rng(5);
  const memory: WasmMemory | undefined = mode === 'kernel' ? createKernelMemory() : undefined;
  if (mode === 'kernel' && !memory) throw new Error('no WebAssembly shared memory here');
  const make = (n: number, tie: Int32Array): AccumulatorTopK => new AccumulatorTopK(n, tie, memory);
  /** An accumulator where select() expects it: in the kernel memory in kernel mode. */
  const accumulator = (n: number): Float64Array => (memory ? allocateArray(memory, Float64Array, n) : new Float64Array(n));

  it('selects the top k of a large accumulator (sampled threshold), ties by tieRank, and clears it', () => {
    const n = 20000;
    const tie = shuffledRanks(rng, n);
    const top = make(n, tie);
    for (const [k, levels] of [
      [1000, 1 << 30],
      [1000, 50],
      [100, 7],
      [10, 1 << 20],
      [2000, 3000],
    ] as const) {
      const acc = accumulator(n);
      // Integer scores (as the fixed-point sums are), a tenth of the slots empty; few levels → many ties.
      for (let d = 0; d < n; d++) acc[d] = rng.next() < 0.1 ? 0 : 1 + rng.int(levels);
      const expected = reference(acc, tie, k);
      expect(run(top, acc, k)).toEqual(expected);
      expect(acc.every((x) => x === 0)).toBe(true);
    }
  });

  it('adds the left-out column (rounded) to every score', () => {
    const n = 16384;
    const tie = shuffledRanks(rng, n);
    const top = make(n, tie);
    const acc = accumulator(n);
    const column = new Float32Array(n);
    for (let d = 0; d < n; d++) {
      acc[d] = rng.int(1000);
      if (rng.next() < 0.6) column[d] = Math.fround(0.01 + rng.next());
    }
    const w = 3 * 2 ** 20 + 0.5;
    const full = acc.map((x, d) => x + roundHalfEven(w * column[d]!));
    expect(run(top, acc, 500, column, w)).toEqual(reference(full, tie, 500));
  });

  it('falls back to every positive score when the sampled threshold admits fewer than k', () => {
    const n = 20480;
    const tie = shuffledRanks(rng, n);
    const top = make(n, tie);
    const acc = accumulator(n);
    // The sample takes every 20th slot: give exactly those the highest scores, so its estimate of the
    // 1000th score is far too high (only 1024 sampled slots would reach ~its 80th value).
    for (let d = 0; d < n; d++) acc[d] = d % 20 === 0 ? 1_000_000 + rng.int(1000) : 1 + rng.int(1000);
    const expected = reference(acc, tie, 1000);
    expect(run(top, acc, 1000)).toEqual(expected);
  });

  it('handles k beyond the documents found, an empty accumulator, one outlier, and small collections', () => {
    const n = 9000;
    const tie = shuffledRanks(rng, n);
    const top = make(n, tie);
    const acc = accumulator(n);
    acc[17] = 5;
    acc[4000] = 5;
    acc[8999] = 2;
    expect(run(top, acc, 1000)).toEqual(reference(Float64Array.from({ length: n }, (_, d) => (d === 17 || d === 4000 ? 5 : d === 8999 ? 2 : 0)), tie, 1000));
    expect(run(top, accumulator(n), 10)).toEqual({ docs: [], scores: [] });
    // One huge score and the rest crowded in one bucket of the bucket sort.
    for (let d = 0; d < n; d++) acc[d] = 100 + rng.int(3);
    acc[123] = 2 ** 50;
    const expected = reference(acc, tie, 1000);
    expect(run(top, acc, 1000)).toEqual(expected);
    const small = make(50, tie.subarray(0, 50));
    const a = Float64Array.from({ length: 50 }, () => rng.int(4));
    const smallAcc = accumulator(50);
    smallAcc.set(a);
    expect(run(small, smallAcc, 7)).toEqual(reference(a, tie.subarray(0, 50), 7));
    smallAcc.set(a);
    expect(run(small, smallAcc, 50)).toEqual(reference(a, tie.subarray(0, 50), 50));
  });
});

describe('sortByScore', () => {
  it('orders a range by score descending, ties by tieRank descending, leaving the rest alone', () => {
    const rng = new Rng(9);
    for (const n of [0, 1, 2, 15, 16, 17, 200, 5000]) {
      const total = n + 10;
      const tie = shuffledRanks(rng, total);
      const scoreOf = Float64Array.from({ length: total }, () => rng.int(Math.max(1, n >> 2)));
      const scores = scoreOf.slice();
      const docs = Int32Array.from({ length: total }, (_, i) => i);
      sortByScore(scores, docs, 5, n + 5, tie);
      const want = Array.from({ length: n }, (_, i) => i + 5).sort((a, b) => scoreOf[b]! - scoreOf[a]! || tie[b]! - tie[a]!);
      expect(Array.from(docs.subarray(5, n + 5))).toEqual(want);
      for (let i = 0; i < total; i++) expect(scores[i]).toBe(scoreOf[docs[i]!]);
      expect([...docs.subarray(0, 5), ...docs.subarray(n + 5)]).toEqual([0, 1, 2, 3, 4, ...Array.from({ length: 5 }, (_, i) => n + 5 + i)]);
    }
  });
});
