import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  cranfieldGain,
  cranfieldTrainingExamples,
  isTrainingPositive,
  splitQueries,
  stripRepeatedTitle,
  type DemoDoc,
} from '../../../src/core/demo/cranfield-demo.ts';

describe('splitQueries', () => {
  const ids = Array.from({ length: 40 }, (_, i) => String(i + 1));

  it('holds out the ids with the smallest sha256(seed + newline + id), keeping the input order in each part', () => {
    const { train, test } = splitQueries(ids, 10, 'seed-x');
    expect(test).toHaveLength(10);
    expect(train).toHaveLength(30);
    expect(new Set([...train, ...test])).toEqual(new Set(ids));
    const key = (id: string) => createHash('sha256').update(`seed-x\n${id}`).digest('hex');
    const maxTest = test.map(key).sort().at(-1)!;
    const minTrain = train.map(key).sort()[0]!;
    expect(maxTest < minTrain).toBe(true);
    expect(test).toEqual([...test].sort((a, b) => Number(a) - Number(b)));
    expect(train).toEqual([...train].sort((a, b) => Number(a) - Number(b)));
  });

  it('does not depend on the order the ids come in, and changes with the seed', () => {
    const a = splitQueries(ids, 10, 'seed-x').test;
    const b = splitQueries([...ids].reverse(), 10, 'seed-x').test;
    expect(new Set(b)).toEqual(new Set(a));
    expect(new Set(splitQueries(ids, 10, 'seed-y').test)).not.toEqual(new Set(a));
  });

  it('refuses duplicate ids and impossible sizes', () => {
    expect(() => splitQueries(['1', '1'], 1)).toThrow(/distinct/);
    expect(() => splitQueries(['1'], 2)).toThrow(/cannot hold out/);
  });
});

describe('Cranfield relevance codes', () => {
  it('turns codes 1..4 (1 = most relevant) into gains 4..1 and -1 into 0', () => {
    expect([1, 2, 3, 4, -1].map(cranfieldGain)).toEqual([4, 3, 2, 1, 0]);
    expect(() => cranfieldGain(5)).toThrow(/unknown Cranfield relevance code 5/);
    expect(() => cranfieldGain(0)).toThrow();
  });

  it('counts codes 1-3 as training positives, not code 4 or -1', () => {
    expect([1, 2, 3, 4, -1].map((c) => isTrainingPositive(cranfieldGain(c)))).toEqual([true, true, true, false, false]);
  });
});

describe('stripRepeatedTitle', () => {
  it('drops the title the abstract starts with, and nothing else', () => {
    expect(stripRepeatedTitle('flow past a plate .', 'flow past a plate . the flow was measured .')).toBe('the flow was measured .');
    expect(stripRepeatedTitle('flow past a plate .', 'an experiment on flow .')).toBe('an experiment on flow .');
    expect(stripRepeatedTitle('', 'text')).toBe('text');
    // An abstract that is only its title keeps it (an empty passage would teach nothing).
    expect(stripRepeatedTitle('same .', 'same .')).toBe('same .');
  });
});

describe('cranfieldTrainingExamples', () => {
  const corpus = new Map<string, DemoDoc>([
    ['d1', { title: 'wing lift', text: 'lift of a wing in a slipstream' }],
    ['d2', { title: 'shear flow', text: 'shear flow past a plate' }],
    ['d3', { title: '', text: 'heat transfer in slabs' }],
    ['d4', { title: 'boundary layer', text: 'boundary layer control' }],
    ['d5', { title: 'panel flutter', text: 'flutter of panels' }],
  ]);
  const queries = new Map([
    ['1', 'lift of wings'],
    ['2', 'shear flows'],
  ]);
  const qrels = new Map([
    ['1', new Map([['d1', 4], ['d2', 1], ['d4', 0]])],
    ['2', new Map([['d2', 2]])],
    ['9', new Map([['d5', 4]])], // no query text: skipped
  ]);
  const examples = cranfieldTrainingExamples({ corpus, queries, qrels, negatives: 2, seed: 7 });

  it('makes one example per judged positive (gain ≥ 2), then one per titled document', () => {
    expect(examples.map((e) => [e.queryId, e.positiveId])).toEqual([
      ['1', 'd1'],
      ['2', 'd2'],
      ['title:d1', 'd1'],
      ['title:d2', 'd2'],
      ['title:d4', 'd4'],
      ['title:d5', 'd5'],
    ]);
    expect(examples[0]).toMatchObject({ query: 'lift of wings', positive: 'wing lift lift of a wing in a slipstream' });
    expect(examples[2]).toMatchObject({ query: 'wing lift', positive: 'lift of a wing in a slipstream' });
  });

  it('draws distinct negatives that are never judged for the query (or the title document itself)', () => {
    const judged: Record<string, string[]> = { '1': ['d1', 'd2', 'd4'], '2': ['d2'] };
    for (const e of examples) {
      expect(e.negativeIds).toHaveLength(2);
      expect(new Set(e.negativeIds).size).toBe(2);
      const excluded = e.queryId!.startsWith('title:') ? [e.positiveId!] : judged[e.queryId!]!;
      for (const id of e.negativeIds!) expect(excluded).not.toContain(id);
    }
    // Query 1 judged d1, d2 and d4: only d3 and d5 remain.
    expect(new Set(examples[0]!.negativeIds)).toEqual(new Set(['d3', 'd5']));
    // Negative texts match their ids: passages for judgement pairs, abstracts for title pairs.
    expect(examples[0]!.negatives).toEqual(examples[0]!.negativeIds!.map((id) => (corpus.get(id)!.title ? `${corpus.get(id)!.title} ${corpus.get(id)!.text}` : corpus.get(id)!.text)));
    expect(examples[2]!.negatives).toEqual(examples[2]!.negativeIds!.map((id) => corpus.get(id)!.text));
  });

  it('is the same for the same seed', () => {
    expect(cranfieldTrainingExamples({ corpus, queries, qrels, negatives: 2, seed: 7 })).toEqual(examples);
  });
});
