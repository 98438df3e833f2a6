import { describe, expect, it } from 'vitest';
import { TRAIN_CONFIG_DEFAULTS, validateTrainConfig } from '../../../src/shared/train-config.ts';

const minimal = { model: 'models/tiny-bert', dataset: 'cranfield' };

describe('validateTrainConfig', () => {
  it('fills the literature defaults around the two required fields', () => {
    const r = validateTrainConfig(minimal);
    expect(r.errors).toEqual([]);
    expect(r.config).toEqual({ ...TRAIN_CONFIG_DEFAULTS, ...minimal });
    expect(r.config).toMatchObject({
      lr: 2e-5,
      weightDecay: 0.01,
      lambdaQ: 5e-4,
      lambdaD: 3e-4,
      maxQueryLength: 32,
      maxDocLength: 256,
      k: 1,
      seed: 123,
      maxGradNorm: 1,
    });
  });

  it('keeps the values it is given, nested collapse settings included', () => {
    const r = validateTrainConfig({ ...minimal, k: 16, lr: 5e-5, collapse: { patience: 5 }, workers: 2, tags: ['sweep'] });
    expect(r.config).toMatchObject({ k: 16, lr: 5e-5, workers: 2, tags: ['sweep'] });
    expect(r.config!.collapse).toEqual({ action: 'stop', patience: 5, saturationFraction: 0.5 });
  });

  it('names every field at fault', () => {
    const r = validateTrainConfig({
      dataset: '',
      k: 0,
      lr: 'fast',
      steps: 10.5,
      negativeScope: 'everyone',
      collapse: { patience: 0, mood: 'calm' },
      workers: 0,
    });
    expect(r.config).toBeNull();
    const byField = Object.fromEntries(r.errors.map((e) => [e.field, e.message]));
    expect(byField).toEqual({
      model: 'is required',
      dataset: 'must not be empty',
      k: 'must be > 0',
      lr: 'must be a finite number',
      steps: 'must be an integer',
      negativeScope: 'must be one of own, shared',
      workers: 'must be "auto" or an integer ≥ 1',
      'collapse.patience': 'must be ≥ 1',
      'collapse.mood': 'unknown field',
    });
  });

  it('refuses unknown fields and suggests the camelCase spelling', () => {
    const r = validateTrainConfig({ ...minimal, lambda_q: 1e-3, colour: 'red' });
    expect(r.errors).toEqual([
      { field: 'lambda_q', message: 'unknown field (did you mean "lambdaQ"?)' },
      { field: 'colour', message: 'unknown field' },
    ]);
  });

  it('checks fields against each other', () => {
    expect(validateTrainConfig({ ...minimal, steps: 10, warmupSteps: 20 }).errors).toEqual([
      { field: 'warmupSteps', message: 'must be ≤ steps (10)' },
    ]);
    expect(validateTrainConfig({ ...minimal, contrastiveWeight: 0 }).errors[0]!.field).toBe('contrastiveWeight');
    expect(validateTrainConfig({ ...minimal, contrastiveWeight: 0, distillation: 'kl' }).errors).toEqual([]);
    expect(
      validateTrainConfig({ ...minimal, distillation: 'margin-mse', negativesPerQuery: 0 }).errors[0]!.field,
    ).toBe('negativesPerQuery');
  });

  it('rejects a non-object', () => {
    expect(validateTrainConfig([1]).errors).toEqual([{ field: '(root)', message: 'must be an object' }]);
  });
});
