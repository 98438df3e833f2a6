import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { lossFromConfig, lrScheduleFromConfig, optimizerFromConfig } from '../../../src/core/train/from-config.ts';
import { TRAIN_CONFIG_DEFAULTS } from '../../../src/shared/train-config.ts';

describe('objective and optimizer from a run config', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('builds the default SPLADE objective: in-batch CE plus FLOPS on queries and documents', () => {
    const loss = lossFromConfig(TRAIN_CONFIG_DEFAULTS);
    expect(loss.ranking.map((r) => [r.loss.name, r.weight])).toEqual([['ce', 1]]);
    expect(loss.regularizers.map((r) => [r.name, r.target, r.lambda, r.warmupSteps])).toEqual([
      ['flops_q', 'queries', 5e-4, 1000],
      ['flops_d', 'documents', 3e-4, 1000],
    ]);
    // λ at the first update: 5e-4 · (1/1000)².
    expect(loss.lambdasAt(1).flops_q).toBeCloseTo(5e-10, 20);
  });

  it('adds distillation and L1 when asked, and drops CE at weight 0', () => {
    const loss = lossFromConfig({ ...TRAIN_CONFIG_DEFAULTS, contrastiveWeight: 0, distillation: 'kl', l1D: 0.1 });
    expect(loss.ranking.map((r) => r.loss.name)).toEqual(['kl']);
    expect(loss.regularizers.map((r) => r.name)).toEqual(['flops_q', 'flops_d', 'l1_d']);
  });

  it('wires the optimizer and the learning-rate schedule', () => {
    const opt = optimizerFromConfig(TRAIN_CONFIG_DEFAULTS);
    expect([opt.beta1, opt.beta2, opt.eps, opt.weightDecay]).toEqual([0.9, 0.999, 1e-8, 0.01]);
    const lr = lrScheduleFromConfig({ lr: 1, warmupSteps: 4, steps: 8 });
    expect([0, 2, 4, 6, 8].map(lr)).toEqual([0, 0.5, 1, 0.5, 0]);
  });
});
