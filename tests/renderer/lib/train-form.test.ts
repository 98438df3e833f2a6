import { describe, expect, it } from 'vitest';
import { checkForm, defaultText, emptyForm, FORM_FIELDS, parseNumberList, type SetupForm } from '../../../src/renderer/src/lib/train-form.ts';
import { TRAIN_CONFIG_DEFAULTS } from '../../../src/shared/train-config.ts';

function form(changes: Partial<SetupForm> = {}, values: Record<string, string> = {}): SetupForm {
  const base = emptyForm();
  return { ...base, models: ['/models/tiny'], dataset: 'adi', ...changes, values: { ...base.values, ...values } };
}

describe('run form', () => {
  it('offers every SPLADE setting of train-config.ts except the run identity fields', () => {
    const offered = new Set(FORM_FIELDS.map((f) => f.key.split('.')[0]));
    const expected = Object.keys(TRAIN_CONFIG_DEFAULTS).filter((k) => !['name', 'tags', 'notes', 'k', 'seed'].includes(k));
    expect([...expected].filter((k) => !offered.has(k))).toEqual([]);
    expect(FORM_FIELDS.filter((f) => f.key.startsWith('collapse.')).map((f) => f.key)).toEqual(['collapse.action', 'collapse.patience', 'collapse.saturationFraction']);
  });

  it('says which required fields are missing', () => {
    expect(checkForm(emptyForm()).errors).toEqual({ models: 'choose a backbone', dataset: 'choose a dataset' });
  });

  it('sends only what was filled in, at the level runs.start takes it', () => {
    const check = checkForm(
      form({ ks: '1, 4, 16', seeds: '7', name: 'demo', tags: 'a, b', maxParallel: '2' }, { steps: '3', batchSize: '2', split: 'test', inBatchNegatives: 'false', negativesPerQuery: '1', 'collapse.action': 'continue', evalExtra: 'med, cranfield', backend: 'wasm' }),
    );
    expect(check.errors).toEqual({});
    expect(check.params).toEqual({
      models: ['/models/tiny'],
      dataset: 'adi',
      ks: [1, 4, 16],
      seeds: [7],
      name: 'demo',
      tags: ['a', 'b'],
      maxParallel: 2,
      steps: 3,
      backend: 'wasm',
      collapse: { action: 'continue' },
      train: { batchSize: 2, split: 'test', inBatchNegatives: false, negativesPerQuery: 1, evalExtra: ['med', 'cranfield'] },
    });
  });

  it('gives per-field messages as the trainer validates, warm-ups scaled to a short run', () => {
    // A 3-step run: the default warm-ups (120, 1000) would exceed it; left empty they follow the run's length.
    expect(checkForm(form({}, { steps: '3' })).errors).toEqual({});
    expect(defaultText('warmupSteps', form({}, { steps: '100' }))).toBe('auto (4)');
    expect(defaultText('flopsWarmupSteps', form({}, { steps: '100' }))).toBe('auto (33)');
    expect(defaultText('warmupSteps', form())).toBe('auto (120)');
    expect(checkForm(form({}, { steps: '3', warmupSteps: '10' })).errors).toEqual({ warmupSteps: 'must be ≤ steps (3)' });
    expect(checkForm(form({}, { lr: '-1', batchSize: '2.5', 'collapse.patience': '0', adamBeta1: 'x' })).errors).toEqual({
      lr: 'must be > 0',
      batchSize: 'must be an integer',
      adamBeta1: 'must be a finite number',
      'collapse.patience': 'must be ≥ 1',
    });
    expect(checkForm(form({ ks: '1, 0' })).errors).toEqual({ ks: '0 must be > 0' });
    expect(checkForm(form({ ks: '4, 4' })).errors).toEqual({ ks: 'lists the same value twice' });
    expect(checkForm(form({ ks: '' })).errors).toEqual({ ks: 'give one k or a list' });
    expect(checkForm(form({ seeds: '1.5' })).errors).toEqual({ seeds: '1.5 is not an integer' });
    expect(checkForm(form({}, { workers: 'many' })).errors).toEqual({ workers: 'must be "auto" or an integer ≥ 1' });
    expect(checkForm(form({}, { workers: 'auto' })).params?.train).toEqual({ workers: 'auto' });
  });

  it('parses lists separated by commas or spaces', () => {
    expect(parseNumberList('1, 2 4,8')).toEqual({ values: [1, 2, 4, 8], error: null });
    expect(parseNumberList('0.5 1e2')).toEqual({ values: [0.5, 100], error: null });
    expect(parseNumberList('1, four').error).toBe('"four" is not a number');
  });
});
