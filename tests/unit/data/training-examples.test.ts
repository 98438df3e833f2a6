import { describe, expect, it } from 'vitest';
import { trainingExamplesFromQrels } from '../../../src/core/data/training-examples.ts';

describe('training examples from qrels', () => {
  const corpus = new Map(Array.from({ length: 50 }, (_, i) => [`d${i}`, `doc ${i}`] as [string, string]));
  const queries = new Map([
    ['q1', 'query one'],
    ['q2', 'query two'],
  ]);
  const qrels = new Map([
    ['q1', new Map([['d1', 2], ['d2', 0], ['d3', 1]])],
    ['q2', new Map([['d4', 1], ['missing', 1]])],
    ['q3', new Map([['d5', 1]])],
  ]);

  it('makes one example per relevant pair with texts, never using a judged document as a negative', () => {
    const examples = [...trainingExamplesFromQrels({ corpus, queries, qrels }, { negatives: 4, seed: 42 })];
    expect(examples.map((e) => [e.queryId, e.positiveId])).toEqual([
      ['q1', 'd1'],
      ['q1', 'd3'],
      ['q2', 'd4'],
    ]);
    for (const e of examples) {
      expect(e.negatives).toHaveLength(4);
      expect(new Set(e.negativeIds).size).toBe(4);
      expect(e.negatives).toEqual(e.negativeIds!.map((id) => corpus.get(id)));
      for (const id of e.negativeIds!) expect(qrels.get(e.queryId!)!.has(id)).toBe(false);
    }
    expect(examples[0]).toMatchObject({ query: 'query one', positive: 'doc 1' });
  });

  it('is repeatable from its seed and changes with it', () => {
    const run = (seed: number): string[][] => [...trainingExamplesFromQrels({ corpus, queries, qrels }, { negatives: 3, seed })].map((e) => e.negativeIds!);
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });
});
