import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { InvertedIndexBuilder, type InvertedIndex } from '../../../src/core/retrieval/inverted-index.ts';
import { ParallelSearcher, chooseSearchThreads } from '../../../src/core/retrieval/parallel/parallel-searcher.ts';
import { Searcher, resultToRun } from '../../../src/core/retrieval/searcher.ts';
import { toSparseVector, type SparseVector } from '../../../src/core/retrieval/sparse-vector.ts';
import { Rng } from '../../../src/core/train/rng.ts';
import { bruteForce, idFor, randomVectors, type Vec } from './random-vectors.ts';

describe('ParallelSearcher', () => {
  const rng = new Rng(21);
  const dyadic = (): number => (1 + rng.int(8)) / 4;
  const docs = randomVectors(rng, 4000, [10, 40], 2000, dyadic);
  const ids = docs.map((_, i) => idFor(i));
  const queryVecs: Vec[] = [...randomVectors(rng, 45, [3, 12], 2000, dyadic), {}, { unknown: 1 }];
  let index: InvertedIndex;
  let queries: SparseVector[];
  let pool: ParallelSearcher;

  beforeAll(async () => {
    const b = new InvertedIndexBuilder();
    docs.forEach((d, i) => b.addRecord(ids[i]!, d));
    index = b.build();
    queries = queryVecs.map((q) => toSparseVector(q, index.vocab, false));
    pool = await ParallelSearcher.start(index, 2);
  });
  afterAll(async () => {
    await pool.close();
  });

  it('returns, in query order, exactly the brute-force top k and the one-thread results', async () => {
    const single = new Searcher(index);
    for (const k of [1, 100, 5000]) {
      const results = await pool.search(queries, k);
      expect(results.length).toBe(queries.length);
      results.forEach((r, i) => {
        const run = resultToRun(index, r);
        expect(run).toEqual(bruteForce(docs, ids, queryVecs[i]!, k));
        const one = single.search(queries[i]!, k);
        expect(Array.from(r.docs)).toEqual(Array.from(one.docs));
        expect(Array.from(r.scores)).toEqual(Array.from(one.scores));
      });
    }
    const pruned = await pool.search(queries.slice(0, 10), 50, 'maxscore');
    pruned.forEach((r, i) => expect(resultToRun(index, r)).toEqual(bruteForce(docs, ids, queryVecs[i]!, 50)));
  });

  it('handles fewer queries than threads, and no queries', async () => {
    const [r] = await pool.search([queries[3]!], 20);
    expect(resultToRun(index, r!)).toEqual(bruteForce(docs, ids, queryVecs[3]!, 20));
    expect(await pool.search([], 20)).toEqual([]);
    expect(pool.threads).toBe(2);
  });
});

describe('chooseSearchThreads', () => {
  it('gives one thread per core when every thread gets enough queries, else fewer; numbers as asked', () => {
    expect(chooseSearchThreads('auto', 200, 2)).toBe(2);
    expect(chooseSearchThreads(undefined, 1000, 8)).toBe(8);
    expect(chooseSearchThreads('auto', 200, 8)).toBe(3);
    expect(chooseSearchThreads('auto', 100, 2)).toBe(1);
    expect(chooseSearchThreads('auto', 1000, 1)).toBe(1);
    expect(chooseSearchThreads(4, 200, 2)).toBe(4);
    expect(chooseSearchThreads(4, 2, 2)).toBe(2);
    expect(() => chooseSearchThreads(0, 10, 2)).toThrow(InputError);
    expect(() => chooseSearchThreads(1.5, 10, 2)).toThrow(InputError);
  });
});
