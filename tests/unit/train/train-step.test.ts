import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { AdamW } from '../../../src/core/train/adamw.ts';
import { InBatchCrossEntropy } from '../../../src/core/train/losses/contrastive.ts';
import { MarginMse } from '../../../src/core/train/losses/distillation.ts';
import { FlopsRegularizer } from '../../../src/core/train/losses/regularizers.ts';
import { SpladeLoss } from '../../../src/core/train/losses/splade-loss.ts';
import { linearWarmupDecay } from '../../../src/core/train/lr-schedule.ts';
import { Rng } from '../../../src/core/train/rng.ts';
import { encodeSplade, trainStep, type TokenBatch, type TrainBatch, type TrainStepContext } from '../../../src/core/train/train-step.ts';
import { FakeMlm } from '../../helpers/fake-mlm.ts';

/*
 * Toy retrieval: 8 topics of 5 words (ids 1–40) and 7 noise words (41–47); id 0 is padding.
 * A query is 2 words of a topic, its positive 3 other words of that topic plus a noise word, its negative
 * 3 words of another topic plus a noise word. Sequences are right-padded to a fixed width.
 */
const VOCAB = 48;
const HIDDEN = 16;
const TOPICS = 8;

function tokens(rows: number[][], cols: number): TokenBatch {
  const inputIds = new Int32Array(rows.length * cols);
  const attentionMask = new Int32Array(rows.length * cols);
  rows.forEach((r, i) =>
    r.forEach((id, j) => {
      inputIds[i * cols + j] = id;
      attentionMask[i * cols + j] = 1;
    }),
  );
  return { inputIds, attentionMask, rows: rows.length, cols };
}

function toyBatch(rng: Rng, size: number, teacher = false): TrainBatch {
  const topics = rng.shuffle([...Array(TOPICS).keys()]).slice(0, size);
  const word = (topic: number, k: number): number => 1 + topic * 5 + k;
  const noise = (): number => 41 + rng.int(7);
  const q: number[][] = [];
  const p: number[][] = [];
  const n: number[][] = [];
  for (const t of topics) {
    const order = rng.shuffle([0, 1, 2, 3, 4]);
    const other = (t + 1 + rng.int(TOPICS - 1)) % TOPICS;
    // Queries vary in length so the padding path is exercised.
    q.push(order.slice(0, 1 + rng.int(2)).map((k) => word(t, k)));
    p.push([...order.slice(2).map((k) => word(t, k)), noise()]);
    n.push([...rng.shuffle([0, 1, 2, 3, 4]).slice(0, 3).map((k) => word(other, k)), noise()]);
  }
  return {
    queries: tokens(q, 3),
    positives: tokens(p, 5),
    negatives: tokens(n, 5),
    negativesPerQuery: 1,
    teacherScores: teacher ? Float32Array.from(topics.flatMap(() => [8, 1])) : undefined,
  };
}

function context(model: FakeMlm, lr = 0.02, steps = 30): TrainStepContext {
  return {
    model,
    loss: new SpladeLoss(
      [{ loss: new InBatchCrossEntropy('own'), weight: 1 }],
      [
        { name: 'flops_q', regularizer: new FlopsRegularizer(), target: 'queries', lambda: 1e-3, warmupSteps: 10 },
        { name: 'flops_d', regularizer: new FlopsRegularizer(), target: 'documents', lambda: 1e-3, warmupSteps: 10 },
      ],
    ),
    optimizer: new AdamW({ weightDecay: 0.01 }),
    lr: (s) => linearWarmupDecay(s, lr, 3, steps),
    maxGradNorm: 1,
  };
}

function run(seed: number, steps: number): Record<string, number>[] {
  const model = new FakeMlm(VOCAB, HIDDEN, seed);
  const ctx = context(model, 0.02, steps);
  const data = Rng.forStream(seed, 'data-order');
  const out: Record<string, number>[] = [];
  for (let s = 0; s < steps; s++) out.push(trainStep(ctx, s, [toyBatch(data, 8)]));
  ctx.optimizer.dispose();
  model.dispose();
  return out;
}

const timing = new Set(['step_s', 'tokens_per_s']);
const withoutTiming = (m: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(m).filter(([k]) => !timing.has(k)));

describe('trainStep', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  let baseline = 0;
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('lowers the loss on a toy task over 30 steps, and repeats exactly from the same seed', () => {
    baseline = tf.memory().numTensors;
    const a = run(11, 30);
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    const first = mean(a.slice(0, 5).map((m) => m.rank!));
    const last = mean(a.slice(-5).map((m) => m.rank!));
    // Chance level for 9 candidates is ln 9 ≈ 2.2; the model must clearly beat where it started.
    expect(last).toBeLessThan(first * 0.6);
    expect(a.every((m) => Number.isFinite(m.loss!))).toBe(true);
    const b = run(11, 30);
    expect(b.map(withoutTiming)).toEqual(a.map(withoutTiming));
    const c = run(12, 3);
    expect(c[2]!.loss).not.toBe(a[2]!.loss);
  });

  it('records every metric by name, with values checked against independent computations', () => {
    baseline = tf.memory().numTensors;
    const model = new FakeMlm(VOCAB, HIDDEN, 5);
    const ctx = context(model);
    const batch = toyBatch(new Rng(3), 8);
    // Sparsity of the vectors this step sees, counted here from an inference-mode encoding.
    const count = (b: TokenBatch): number[] => {
      const r = encodeSplade(model, b, false);
      const rows = r.arraySync() as number[][];
      r.dispose();
      return rows.map((row) => row.filter((x) => x > 0).length);
    };
    const qn = count(batch.queries);
    const dn = [...count(batch.positives), ...count(batch.negatives!)];
    const m = trainStep(ctx, 4, [batch]);
    expect(Object.keys(m).sort()).toEqual(
      [
        'loss', 'rank', 'ce', 'flops_q', 'flops_d', 'lambda_flops_q', 'lambda_flops_d', 'lr', 'grad_norm', 'skipped',
        'q_nnz_mean', 'q_nnz_max', 'd_nnz_mean', 'd_nnz_max', 'q_weight_mean', 'd_weight_mean', 'decoder_norm',
        'step_s', 'tokens_per_s',
      ].sort(),
    );
    expect(m.q_nnz_mean).toBeCloseTo(qn.reduce((s, x) => s + x, 0) / qn.length, 10);
    expect(m.q_nnz_max).toBe(Math.max(...qn));
    expect(m.d_nnz_mean).toBeCloseTo(dn.reduce((s, x) => s + x, 0) / dn.length, 10);
    expect(m.d_nnz_max).toBe(Math.max(...dn));
    // t = step + 1 = 5 of T = 10: λ·(1/2)².
    expect(m.lambda_flops_q).toBeCloseTo(1e-3 / 4, 15);
    expect(m.lr).toBeCloseTo(0.02 * (30 - 4) / 27, 12);
    expect(m.loss).toBeCloseTo(m.rank! + m.lambda_flops_q! * m.flops_q! + m.lambda_flops_d! * m.flops_d!, 5);
    expect(m.rank).toBeCloseTo(m.ce!, 6);
    expect(m.grad_norm).toBeGreaterThan(0);
    expect(m.skipped).toBe(0);
    // Decoder norm after the update, from the exported weights in float64.
    const w = model.exportWeights().get('decoder.weight')!.data;
    expect(m.decoder_norm).toBeCloseTo(Math.sqrt(w.reduce((s, x) => s + x * x, 0)), 4);
    expect(m.tokens_per_s).toBeCloseTo((8 * 3 + 8 * 5 * 2) / m.step_s!, 6);
    ctx.optimizer.dispose();
    model.dispose();
  });

  it('accumulates micro-batches into the same update as one batch when the loss is per-query', () => {
    baseline = tf.memory().numTensors;
    // Without in-batch negatives and without the (batch-level) FLOPS term the loss is a mean over queries,
    // so two micro-batches of 4 averaged must give the update of one batch of 8.
    const update = (split: boolean): Float32Array => {
      const model = new FakeMlm(VOCAB, HIDDEN, 21);
      const ctx: TrainStepContext = {
        model,
        loss: new SpladeLoss([{ loss: new InBatchCrossEntropy('own', false), weight: 1 }], []),
        optimizer: new AdamW(),
        lr: () => 0.01,
        maxGradNorm: 0,
      };
      const rng = new Rng(8);
      const halves = [toyBatch(rng, 4), toyBatch(rng, 4)];
      const merge = (pick: (b: TrainBatch) => TokenBatch): TokenBatch => {
        const [x, y] = halves.map(pick) as [TokenBatch, TokenBatch];
        return {
          inputIds: Int32Array.from([...x.inputIds, ...y.inputIds]),
          attentionMask: Int32Array.from([...x.attentionMask, ...y.attentionMask]),
          rows: x.rows + y.rows,
          cols: x.cols,
        };
      };
      const whole: TrainBatch = {
        queries: merge((b) => b.queries),
        positives: merge((b) => b.positives),
        negatives: merge((b) => b.negatives!),
        negativesPerQuery: 1,
      };
      trainStep(ctx, 0, split ? halves : [whole]);
      const out = Float32Array.from(model.exportWeights().get('transform.dense.weight')!.data);
      ctx.optimizer.dispose();
      model.dispose();
      return out;
    };
    const a = update(true);
    const b = update(false);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    expect(diff).toBeLessThan(1e-6);
  });

  it('trains with MarginMSE from teacher scores', () => {
    baseline = tf.memory().numTensors;
    const model = new FakeMlm(VOCAB, HIDDEN, 2);
    const ctx = context(model);
    ctx.loss = new SpladeLoss([{ loss: new MarginMse(), weight: 1 }], []);
    const rng = new Rng(4);
    const m0 = trainStep(ctx, 10, [toyBatch(rng, 8, true)]);
    expect(m0.margin_mse).toBeGreaterThan(0);
    expect(m0.rank).toBeCloseTo(m0.margin_mse!, 5);
    ctx.optimizer.dispose();
    model.dispose();
  });

  it('keeps the number of live tensors constant from step to step', () => {
    const model = new FakeMlm(VOCAB, HIDDEN, 9);
    const ctx = context(model);
    const rng = new Rng(1);
    trainStep(ctx, 0, [toyBatch(rng, 8)]); // creates the optimizer's moments
    const after1 = tf.memory().numTensors;
    for (let s = 1; s < 4; s++) trainStep(ctx, s, [toyBatch(rng, 8), toyBatch(rng, 8)]);
    expect(tf.memory().numTensors).toBe(after1);
    ctx.optimizer.dispose();
    model.dispose();
    baseline = tf.memory().numTensors;
  });
});
