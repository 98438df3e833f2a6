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

type Vec = Record<string, number>;

/** SPLADE-like random vectors: Zipf-distributed term ids, `nnz` distinct terms, weights from `weight()`. */
function randomVectors(rng: Rng, count: number, nnz: [number, number], vocab: number, weight: () => number): Vec[] {
  const out: Vec[] = [];
  for (let i = 0; i < count; i++) {
    const v: Vec = {};
    const n = nnz[0] + rng.int(nnz[1] - nnz[0] + 1);
    while (Object.keys(v).length < n) {
      // Zipf(1) over ranks via inverse transform of a log-uniform draw.
      const term = Math.min(vocab - 1, Math.floor(Math.exp(rng.next() * Math.log(vocab))) - 1);
      v[String(term)] = weight();
    }
    out.push(v);
  }
  return out;
}

/** Independent reference: plain float64 dot products against every document, then trec_eval's order. */
function bruteForce(docs: Vec[], ids: string[], query: Vec, k: number): { docid: string; score: number }[] {
  const scored: { docid: string; score: number }[] = [];
  docs.forEach((doc, i) => {
    let s = 0;
    for (const key in query) if (doc[key] !== undefined) s += Math.fround(query[key]!) * Math.fround(doc[key]);
    if (s > 0) scored.push({ docid: ids[i]!, score: s });
  });
  scored.sort((a, b) => b.score - a.score || (a.docid < b.docid ? 1 : a.docid > b.docid ? -1 : 0));
  return scored.slice(0, k);
}

function build(docs: Vec[], ids: string[], encoding: 'float32' | 'uint8' = 'float32'): InvertedIndex {
  const b = new InvertedIndexBuilder({ encoding });
  docs.forEach((d, i) => b.addRecord(ids[i]!, d));
  return b.build();
}

// Ids whose string order differs from insertion order, so the docid tie-break is really exercised.
const idFor = (i: number): string => `doc${(i * 7919) % 100003}`;

describe('inverted index search', () => {
  it('returns exactly the brute-force top k, ties by docid descending, for dyadic weights (exact sums)', () => {
    const rng = new Rng(7);
    const dyadic = (): number => (1 + rng.int(8)) / 4; // few distinct values → many exact ties
    const docs = randomVectors(rng, 3000, [20, 60], 2000, dyadic);
    const ids = docs.map((_, i) => idFor(i));
    const queries = randomVectors(rng, 40, [3, 12], 2000, dyadic);
    const index = build(docs, ids);
    const searcher = new Searcher(index);
    const scan = new ForwardScan(index);
    for (const k of [1, 10, 100, 1000]) {
      for (const q of queries) {
        const expected = bruteForce(docs, ids, q, k);
        const qv = toSparseVector(q, index.vocab, false);
        expect(resultToRun(index, searcher.search(qv, k, 'taat'))).toEqual(expected);
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
    const scan = new ForwardScan(index);
    for (const q of queries) {
      const qv = toSparseVector(q, index.vocab, false);
      const exact = resultToRun(index, searcher.search(qv, 1000, 'taat'));
      const pruned = resultToRun(index, searcher.search(qv, 1000, 'maxscore'));
      expect(pruned).toEqual(exact);
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
