import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvertedIndexBuilder, type InvertedIndex } from '../../../src/core/retrieval/inverted-index.ts';
import { loadIndex, saveIndex } from '../../../src/core/retrieval/index-file.ts';
import { Searcher, prepareQuery, resultToRun } from '../../../src/core/retrieval/searcher.ts';
import { ForwardScan } from '../../../src/core/retrieval/forward-scan.ts';
import { toSparseVector } from '../../../src/core/retrieval/sparse-vector.ts';
import { Rng } from '../../../src/core/train/rng.ts';
import { bruteForce, idFor, randomVectors, type Vec } from './random-vectors.ts';

function build(docs: Vec[], ids: string[], encoding: 'float32' | 'uint8' = 'float32'): InvertedIndex {
  const b = new InvertedIndexBuilder({ encoding });
  docs.forEach((d, i) => b.addRecord(ids[i]!, d));
  return b.build();
}


describe('inverted index search', () => {
  it('returns exactly the brute-force top k, ties by docid descending, for dyadic weights (exact sums)', () => {
    const rng = new Rng(7);
    const dyadic = (): number => (1 + rng.int(8)) / 4; // few distinct values → many exact ties
    const docs = randomVectors(rng, 3000, [20, 60], 2000, dyadic);
    const ids = docs.map((_, i) => idFor(i));
    const queries = randomVectors(rng, 40, [3, 12], 2000, dyadic);
    const index = build(docs, ids);
    expect(index.kernelMemory).toBeDefined();
    const searcher = new Searcher(index);
    const plainJs = new Searcher(index, { kernel: false });
    const scan = new ForwardScan(index);
    for (const k of [1, 10, 100, 1000]) {
      for (const q of queries) {
        const expected = bruteForce(docs, ids, q, k);
        const qv = toSparseVector(q, index.vocab, false);
        expect(resultToRun(index, searcher.search(qv, k, 'taat'))).toEqual(expected);
        expect(resultToRun(index, plainJs.search(qv, k, 'taat'))).toEqual(expected);
        expect(resultToRun(index, searcher.search(qv, k, 'maxscore'))).toEqual(expected);
        expect(resultToRun(index, scan.search(prepareQuery(index, qv), k))).toEqual(expected);
      }
    }
    // The pruned path was really taken.
    expect(searcher.stats.pruned).toBeGreaterThan(1000);
  });

  it('gives bit-identical results from term-at-a-time, MaxScore and the forward scan on float weights', () => {
    const rng = new Rng(11);
    const splade = (): number => Math.fround(0.05 + 2.5 * rng.next() ** 3);
    const docs = randomVectors(rng, 3000, [60, 150], 30522, splade);
    const ids = docs.map((_, i) => idFor(i));
    const queries = randomVectors(rng, 30, [15, 35], 30522, splade);
    const index = build(docs, ids);
    const searcher = new Searcher(index);
    const plainJs = new Searcher(index, { kernel: false });
    const scan = new ForwardScan(index);
    for (const q of queries) {
      const qv = toSparseVector(q, index.vocab, false);
      const exact = resultToRun(index, searcher.search(qv, 1000, 'taat'));
      const pruned = resultToRun(index, searcher.search(qv, 1000, 'maxscore'));
      expect(pruned).toEqual(exact);
      expect(resultToRun(index, plainJs.search(qv, 1000, 'taat'))).toEqual(exact);
      expect(resultToRun(index, scan.search(prepareQuery(index, qv), 1000))).toEqual(exact);
      // Against the independent reference: scores within the fixed-point error (each of ≤ 35 terms
      // rounded to 2^-32, so < 1e-8), same document at each rank except between near-equal scores.
      const ref = bruteForce(docs, ids, q, 1000);
      expect(exact.length).toBe(ref.length);
      for (let i = 0; i < ref.length; i++) {
        expect(Math.abs(exact[i]!.score - ref[i]!.score)).toBeLessThan(1e-8);
        if (exact[i]!.docid !== ref[i]!.docid) expect(Math.abs(exact[i]!.score - ref[i]!.score)).toBeLessThan(2e-8);
      }
    }
  });

  it('saves and reloads an index (float32 and uint8 impacts) with identical results', async () => {
    const rng = new Rng(3);
    const w = (): number => Math.fround(0.1 + 3 * rng.next());
    const docs = randomVectors(rng, 500, [10, 40], 3000, w);
    const ids = docs.map((_, i) => idFor(i));
    const q = randomVectors(rng, 5, [5, 15], 3000, w);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-index-'));
    for (const encoding of ['float32', 'uint8'] as const) {
      const index = build(docs, ids, encoding);
      const file = path.join(dir, `${encoding}.lsridx`);
      await saveIndex(index, file);
      const loaded = await loadIndex(file);
      expect(loaded.docIds).toEqual(index.docIds);
      expect(loaded.vocab.keys).toEqual(index.vocab.keys);
      expect(Array.from(loaded.impacts)).toEqual(Array.from(index.impacts));
      const a = new Searcher(index);
      const b = new Searcher(loaded);
      for (const qv of q) {
        const r1 = resultToRun(index, a.search(toSparseVector(qv, index.vocab, false), 50));
        const r2 = resultToRun(loaded, b.search(toSparseVector(qv, loaded.vocab, false), 50));
        expect(r2).toEqual(r1);
      }
      if (encoding === 'uint8') {
        // Every impact lies on the grid k × scale, k in 1..255, within half a step of the original weight.
        const original = new Map<string, number>();
        docs.forEach((d, i) => Object.entries(d).forEach(([key, v]) => original.set(`${key}|${i}`, v)));
        for (let t = 0; t < index.numTerms; t++) {
          for (let p = index.offsets[t]!; p < index.offsets[t + 1]!; p++) {
            const steps = index.impacts[p]! / index.scale;
            expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-3);
            const orig = original.get(`${index.vocab.keys[t]}|${index.postingDocs[p]}`)!;
            expect(Math.abs(index.impacts[p]! - orig)).toBeLessThanOrEqual(index.scale / 2 + 1e-6);
          }
        }
      }
    }
  });

  it('matches brute force on a collection large enough for dense columns and the sampled top-k threshold (kernel and JS loops)', () => {
    const rng = new Rng(13);
    const dyadic = (): number => (1 + rng.int(16)) / 8;
    const docs = randomVectors(rng, 12000, [8, 24], 3000, dyadic);
    const ids = docs.map((_, i) => idFor(i));
    const queries = randomVectors(rng, 24, [4, 16], 3000, dyadic);
    const index = build(docs, ids);
    // Terms in at least half of the documents get dense columns; queries do use some.
    expect(index.denseImpacts.length).toBeGreaterThan(0);
    const denseUsed = queries.some((q) => Object.keys(q).some((key) => index.denseColumn[index.vocab.lookup(key) ?? 0]! >= 0));
    expect(denseUsed).toBe(true);
    const searcher = new Searcher(index);
    const plainJs = new Searcher(index, { kernel: false });
    const full = queries.map((q) => bruteForce(docs, ids, q, docs.length));
    for (const k of [1, 10, 1000, 20000]) {
      for (const [i, q] of queries.entries()) {
        const expected = full[i]!.slice(0, k);
        const qv = toSparseVector(q, index.vocab, false);
        expect(resultToRun(index, searcher.search(qv, k, 'taat'))).toEqual(expected);
        expect(resultToRun(index, plainJs.search(qv, k, 'taat'))).toEqual(expected);
        if (k === 1000) expect(resultToRun(index, searcher.search(qv, k, 'maxscore'))).toEqual(expected);
      }
    }
  });

  it('returns nothing for an empty query or k = 0, and every document found when k exceeds them', () => {
    const index = build([{ a: 1 }, { b: 2 }, { a: 0.5, b: 0.5 }, { c: 1 }, { a: 0.25 }], ['w', 'x', 'y', 'z', 'v']);
    // `a` is in 3 of the 5 documents, so it has a dense column (an odd length: the kernel's scalar tail
    // scores v); `b` is scored from its posting list.
    expect(index.denseColumn[index.vocab.lookup('a')!]).toBeGreaterThanOrEqual(0);
    const a = index.vocab.lookup('a')!;
    const b = index.vocab.lookup('b')!;
    for (const s of [new Searcher(index), new Searcher(index, { kernel: false })]) {
      expect(s.search({ terms: new Uint32Array(0), weights: new Float32Array(0) }, 10).docs.length).toBe(0);
      expect(s.search(toSparseVector({ a: 1 }, index.vocab, false), 0).docs.length).toBe(0);
      // Duplicate query terms add up: a counts twice. w = 2·1, x = 1·2, y = 2·0.5 + 1·0.5, v = 2·0.25;
      // ties by docid descending.
      const dup = { terms: Uint32Array.of(a, b, a), weights: Float32Array.of(1, 1, 1) };
      expect(resultToRun(index, s.search(dup, 100))).toEqual([
        { docid: 'x', score: 2 },
        { docid: 'w', score: 2 },
        { docid: 'y', score: 1.5 },
        { docid: 'v', score: 0.5 },
      ]);
    }
  });

  it('returns only documents with a positive score, and nothing for an unknown query term', () => {
    const index = build([{ a: 1 }, { b: 2 }, { a: 0.5, b: 0.5 }], ['x', 'y', 'z']);
    const s = new Searcher(index);
    expect(resultToRun(index, s.search(toSparseVector({ a: 2 }, index.vocab, false), 10))).toEqual([
      { docid: 'x', score: 2 },
      { docid: 'z', score: 1 },
    ]);
    expect(s.search(toSparseVector({ zz: 1 }, index.vocab, false), 10).docs.length).toBe(0);
  });
});
