import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchModelSpec, TRAIN_STEP_BENCH_DEFAULTS } from '../../../../src/core/bench/train-step-bench.ts';
import { randomTokenBatch } from '../../../../src/core/bench/random-batch.ts';
import type { WeightMap } from '../../../../src/core/models/types.ts';
import type { AdamWState } from '../../../../src/core/train/adamw.ts';
import { selectBackend } from '../../../../src/core/tensor/backend.ts';
import { lossFromConfig, optimizerFromConfig, type LossFields } from '../../../../src/core/train/from-config.ts';
import { ParallelTrainer } from '../../../../src/core/train/parallel/parallel-trainer.ts';
import type { ReplicaConfig } from '../../../../src/core/train/parallel/protocol.ts';
import { buildReplicaModel } from '../../../../src/core/train/parallel/replica-model.ts';
import { Rng } from '../../../../src/core/train/rng.ts';
import { trainStep, type TrainBatch } from '../../../../src/core/train/train-step.ts';

/*
 * The data-parallel step must be the same update as one replica taking the whole batch (`trainStep` in this
 * thread): same loss over the whole batch (in-batch negatives across shards), same summed gradient, same
 * clipping and AdamW. A tiny BERT, hard negatives, an odd number of rows (shards of 2 and 1) and two
 * micro-batches (accumulation) in one update, two updates (the second uses AdamW's moments).
 */

const SETTINGS = { ...TRAIN_STEP_BENCH_DEFAULTS, layers: 1, hidden: 8, heads: 2, ffn: 16, vocab: 64, qlen: 5, dlen: 9 };
const LOSS: LossFields = {
  contrastiveWeight: 1,
  inBatchNegatives: true,
  negativeScope: 'own',
  distillation: 'none',
  distillationWeight: 0,
  lambdaQ: 5e-2,
  lambdaD: 3e-2,
  l1Q: 0,
  l1D: 0,
  flopsWarmupSteps: 0,
};
// ε = 1e-3 keeps AdamW's first update a smooth function of the gradient (with ε = 1e-8 it is lr·sign(g), and
// float noise on a near-zero gradient entry could flip it); the comparison then bounds gradient differences.
const OPTIMIZER = { adamBeta1: 0.9, adamBeta2: 0.999, adamEps: 1e-3, weightDecay: 0.01 };
const LR = 0.02;
// Below the gradient norms of these batches, so clipping is on the compared path.
const CLIP = 0.05;

function batch(seed: number, rows: number): TrainBatch {
  const rng = new Rng(seed);
  return {
    queries: randomTokenBatch(rng, rows, SETTINGS.qlen, SETTINGS.vocab),
    positives: randomTokenBatch(rng, rows, SETTINGS.dlen, SETTINGS.vocab),
    negatives: randomTokenBatch(rng, rows, SETTINGS.dlen, SETTINGS.vocab),
    negativesPerQuery: 1,
  };
}

const STEPS: TrainBatch[][] = [[batch(1, 3), batch(2, 3)], [batch(3, 3), batch(4, 3)]];

function config(): ReplicaConfig {
  return { model: benchModelSpec(SETTINGS, 7), loss: LOSS, optimizer: OPTIMIZER, maxGradNorm: CLIP, backend: 'wasm' };
}

function maxAbsDiff(a: WeightMap, b: WeightMap): number {
  let worst = 0;
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [name, t] of a) {
    const u = b.get(name)!;
    expect(u.shape).toEqual(t.shape);
    for (let i = 0; i < t.data.length; i++) worst = Math.max(worst, Math.abs(t.data[i]! - u.data[i]!));
  }
  return worst;
}

describe('ParallelTrainer', () => {
  const single: { weights: WeightMap; metrics: Record<string, number> }[] = [];
  let initial: WeightMap;
  let singleState: AdamWState;

  beforeAll(async () => {
    await selectBackend('wasm');
    const model = buildReplicaModel(config().model);
    initial = model.exportWeights();
    const ctx = { model, loss: lossFromConfig(LOSS), optimizer: optimizerFromConfig(OPTIMIZER), lr: () => LR, maxGradNorm: CLIP };
    STEPS.forEach((micro, step) => {
      const metrics = trainStep(ctx, step, micro);
      single.push({ weights: model.exportWeights(), metrics });
    });
    singleState = ctx.optimizer.getState();
    ctx.optimizer.dispose();
    model.dispose();
  });

  let first: WeightMap[] = [];

  it('gives the same updates with 2 workers as one replica on the whole batch', async () => {
    const trainer = await ParallelTrainer.start(config(), 2);
    try {
      expect(trainer.parties).toBe(2);
      for (let step = 0; step < STEPS.length; step++) {
        const metrics = await trainer.step(step, LR, STEPS[step]!);
        const weights = await trainer.exportWeights();
        first.push(weights);
        const ref = single[step]!;
        // The updates are real: weights moved by far more than the tolerance.
        expect(maxAbsDiff(weights, step === 0 ? initial : single[step - 1]!.weights)).toBeGreaterThan(5e-3);
        expect(maxAbsDiff(weights, ref.weights)).toBeLessThan(2e-6);
        for (const key of ['loss', 'ce', 'flops_q', 'flops_d', 'grad_norm', 'q_nnz_mean', 'd_nnz_mean', 'd_weight_mean', 'decoder_norm']) {
          expect(metrics[key], key).toBeCloseTo(ref.metrics[key]!, 4);
        }
        expect(metrics.skipped).toBe(0);
      }
      expect(single[0]!.metrics.grad_norm).toBeGreaterThan(CLIP);
      // The sharded optimizer's moments and counts, in the AdamW class's format, match the single replica's.
      const state = await trainer.optimizerState();
      expect(state.json.params.map((p) => [p.name, p.step, p.shape]).sort()).toEqual(singleState.json.params.map((p) => [p.name, p.step, p.shape]).sort());
      for (const [key, ref] of singleState.tensors) {
        const got = state.tensors.get(key)!;
        let worst = 0;
        ref.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - got[i]!) / (Math.abs(x) + 1e-6))));
        expect(worst, key).toBeLessThan(1e-3);
      }
    } finally {
      await trainer.close();
    }
  });

  it('repeats exactly with the same seed, and takes part with an empty shard when a batch has fewer queries than workers', async () => {
    const trainer = await ParallelTrainer.start(config(), 2);
    const one = batch(9, 1);
    try {
      await trainer.step(0, LR, STEPS[0]!);
      expect(maxAbsDiff(await trainer.exportWeights(), first[0]!)).toBe(0);
      // One query: worker 1 has no rows but still takes part in the exchange and the sum.
      const metrics = await trainer.step(1, LR, [one]);
      const model = buildReplicaModel(config().model);
      const ctx = { model, loss: lossFromConfig(LOSS), optimizer: optimizerFromConfig(OPTIMIZER), lr: () => LR, maxGradNorm: CLIP };
      trainStep(ctx, 0, STEPS[0]!);
      const ref = trainStep(ctx, 1, [one]);
      expect(maxAbsDiff(await trainer.exportWeights(), model.exportWeights())).toBeLessThan(2e-6);
      expect(metrics.loss).toBeCloseTo(ref.loss!, 5);
      ctx.optimizer.dispose();
      model.dispose();
    } finally {
      await trainer.close();
    }
  });

  it('reports the failing worker’s own error and refuses further steps', async () => {
    const trainer = await ParallelTrainer.start(config(), 2);
    const bad = batch(5, 2);
    // A token id outside the vocabulary in the second worker's shard only.
    bad.positives.inputIds[bad.positives.cols] = SETTINGS.vocab + 3;
    try {
      await expect(trainer.step(0, LR, [bad])).rejects.toThrow(/index value 67/);
      await expect(trainer.step(1, LR, STEPS[0]!)).rejects.toThrow(/index value 67/);
    } finally {
      await trainer.close();
    }
  });

  it('fails to start with the worker’s reason when a replica cannot be built', async () => {
    const broken = config();
    broken.model.config = { ...broken.model.config, architectures: ['NoSuchForMaskedLM'] };
    await expect(ParallelTrainer.start(broken, 2)).rejects.toThrow(/NoSuchForMaskedLM/);
  });

  afterAll(() => {
    first = [];
  });
});
