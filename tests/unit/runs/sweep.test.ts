import { describe, expect, it } from 'vitest';
import { mergeTrainSpec } from '../../../src/core/runs/run-config.ts';
import { expandSweep, shortModelName } from '../../../src/core/runs/sweep.ts';

describe('expandSweep', () => {
  it('one run per model × k × seed, in that nesting, named by what varies, sharing one sweep id', () => {
    const spec = mergeTrainSpec(undefined, {
      name: 'base', models: ['org/bert-base-uncased', 'answerdotai/ModernBERT-base@main'], dataset: '/data/cranfield', ks: [1, 16], seeds: [7],
      steps: 5, train: { lr: 1e-4 },
    });
    const plan = expandSweep(spec, () => 'sweep-1');
    expect(plan.sweepId).toBe('sweep-1');
    expect(plan.runs.map((r) => r.name)).toEqual([
      'base-k1-bert-base-uncased', 'base-k16-bert-base-uncased', 'base-k1-modernbert-base', 'base-k16-modernbert-base',
    ]);
    expect(plan.runs.map((r) => [r.config.model, r.config.k, r.config.seed])).toEqual([
      ['org/bert-base-uncased', 1, 7], ['org/bert-base-uncased', 16, 7],
      ['answerdotai/ModernBERT-base@main', 1, 7], ['answerdotai/ModernBERT-base@main', 16, 7],
    ]);
    const { versions, ...rest } = plan.runs[3].config;
    expect(rest).toEqual({ kind: 'splade', model: 'answerdotai/ModernBERT-base@main', dataset: '/data/cranfield', k: 16, seed: 7, steps: 5, train: { lr: 1e-4 } });
    expect(versions).toEqual({ lsr: expect.any(String), node: process.version });
  });

  it('a single run is no sweep and keeps its given name (or none); a sweep without a name is named after the dataset', () => {
    const single = expandSweep(mergeTrainSpec(undefined, { models: ['m'], dataset: 'd' }), () => 'x');
    expect(single.sweepId).toBeNull();
    expect(single.runs).toHaveLength(1);
    expect(single.runs[0].name).toBeUndefined();
    const seeds = expandSweep(mergeTrainSpec(undefined, { models: ['m'], dataset: 'data/Cranfield/', seeds: [1, 2, 3] }), () => 'x');
    expect(seeds.runs.map((r) => r.name)).toEqual(['cranfield-s1', 'cranfield-s2', 'cranfield-s3']);
  });

  it('shortens model references', () => {
    expect(shortModelName('run:01abc@300')).toBe('01abc');
    expect(shortModelName('/models/Ettin-Encoder-17M/')).toBe('ettin-encoder-17m');
  });
});
