import type { Rng } from '../../../src/core/train/rng.ts';

export type Vec = Record<string, number>;

/** SPLADE-like random vectors: Zipf-distributed term ids, `nnz` distinct terms, weights from `weight()`. */
export function randomVectors(rng: Rng, count: number, nnz: [number, number], vocab: number, weight: () => number): Vec[] {
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
export function bruteForce(docs: Vec[], ids: string[], query: Vec, k: number): { docid: string; score: number }[] {
  const scored: { docid: string; score: number }[] = [];
  docs.forEach((doc, i) => {
    let s = 0;
    for (const key in query) if (doc[key] !== undefined) s += Math.fround(query[key]!) * Math.fround(doc[key]);
    if (s > 0) scored.push({ docid: ids[i]!, score: s });
  });
  scored.sort((a, b) => b.score - a.score || (a.docid < b.docid ? 1 : a.docid > b.docid ? -1 : 0));
  return scored.slice(0, k);
}

// Ids whose string order differs from insertion order, so the docid tie-break is really exercised.
export const idFor = (i: number): string => `doc${(i * 7919) % 100003}`;
