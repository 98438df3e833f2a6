import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { InBatchCrossEntropy } from '../../../src/core/train/losses/contrastive.ts';
import { KlDistillation, MarginMse } from '../../../src/core/train/losses/distillation.ts';
import { FlopsRegularizer, L1Regularizer, quadraticWarmup } from '../../../src/core/train/losses/regularizers.ts';
import { SpladeLoss } from '../../../src/core/train/losses/splade-loss.ts';
import type { SpladeReps } from '../../../src/core/train/losses/types.ts';

/*
 * Hand-worked batch: 2 queries, vocabulary of 3, one hard negative each.
 *   q  = [1 0 2], [0 1 1]      p = [1 1 0], [0 2 1]      n = [0 0 1], [1 0 0]
 * Dot products: q0·p0 = 1, q0·p1 = 2, q1·p0 = 1, q1·p1 = 3; q0·n0 = 2, q0·n1 = 1, q1·n0 = 1, q1·n1 = 0.
 */
function reps(teacher?: number[][]): SpladeReps {
  return {
    queries: tf.tensor2d([
      [1, 0, 2],
      [0, 1, 1],
    ]),
    positives: tf.tensor2d([
      [1, 1, 0],
      [0, 2, 1],
    ]),
    negatives: tf.tensor2d([
      [0, 0, 1],
      [1, 0, 0],
    ]),
    negativesPerQuery: 1,
    teacherScores: teacher ? tf.tensor2d(teacher) : undefined,
  };
}

function disposeReps(r: SpladeReps): void {
  tf.dispose([r.queries, r.positives, r.negatives!, ...(r.teacherScores ? [r.teacherScores] : [])]);
}

const value = (t: tf.Scalar): number => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describe('ranking losses', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('in-batch cross-entropy with each query\'s own hard negative', () => {
    // Row 0 logits (p0, p1, n0) = (1, 2, 2), target 0: ln(e + 2e²) − 1 = 1.8619948
    // Row 1 logits (p0, p1, n1) = (1, 3, 0), target 1: ln(e + e³ + 1) − 3 = 0.1698460
    const r = reps();
    expect(value(new InBatchCrossEntropy('own').compute(r))).toBeCloseTo((1.8619948 + 0.169846) / 2, 5);
    disposeReps(r);
  });

  it('in-batch cross-entropy with the hard negatives shared across the batch', () => {
    // Row 0: (1, 2, 2, 1) → ln(2e + 2e²) − 1; row 1: (1, 3, 1, 0) → ln(2e + e³ + 1) − 3. Mean 1.1421936.
    const r = reps();
    expect(value(new InBatchCrossEntropy('shared').compute(r))).toBeCloseTo(1.1421936, 5);
    disposeReps(r);
  });

  it('without in-batch negatives: softmax over (positive, own negatives) only', () => {
    // Row 0: (1, 2) → ln(e + e²) − 1 = ln(1 + e) = 1.3132617; row 1: (3, 0) → ln(e³ + 1) − 3 = 0.0485874.
    const r = reps();
    expect(value(new InBatchCrossEntropy('own', false).compute(r))).toBeCloseTo((1.3132617 + 0.0485874) / 2, 5);
    disposeReps(r);
  });

  it('MarginMSE', () => {
    // Student margins: 1 − 2 = −1, 3 − 0 = 3. Teacher (5, 3), (4, 4.5): margins 2, −0.5.
    // ((−1 − 2)² + (3 + 0.5)²) / 2 = (9 + 12.25) / 2 = 10.625
    const r = reps([
      [5, 3],
      [4, 4.5],
    ]);
    expect(value(new MarginMse().compute(r))).toBeCloseTo(10.625, 4);
    disposeReps(r);
  });

  it('KL distillation', () => {
    // Row 0: p = softmax(5, 3) = (σ(2), σ(−2)) = (0.8807971, 0.1192029), q = softmax(1, 2) = (0.2689414, 0.7310586)
    //   KL = 0.8807971·ln(0.8807971/0.2689414) + 0.1192029·ln(0.1192029/0.7310586) = 1.0447298 − 0.2161789 = 0.8285509
    // Row 1: p = softmax(4, 4.5) = (0.3775407, 0.6224593), q = softmax(3, 0) = (0.9525741, 0.0474259)
    //   KL = 0.3775407·ln(0.3963378) + 0.6224593·ln(13.1249) = −0.3494120 + 1.6027040 = 1.2532920
    // Mean 1.0409215.
    const r = reps([
      [5, 3],
      [4, 4.5],
    ]);
    expect(value(new KlDistillation().compute(r))).toBeCloseTo(1.0409215, 5);
    disposeReps(r);
  });

  it('refuses distillation without teacher scores of the right shape', () => {
    const r = reps([[1, 2, 3]]);
    expect(() => new MarginMse().compute(r)).toThrow(/teacher scores are \[1,3\], expected \[2,2\]/);
    disposeReps(r);
  });
});

describe('regularizers', () => {
  it('FLOPS: Σ_v (mean_b |w|)², and its gradient 2·mean_v·sign(w)/B', () => {
    // Column means of |q|: (0.5, 0.5, 1.5) → 0.25 + 0.25 + 2.25 = 2.75
    const q = tf.tensor2d([
      [1, 0, -2],
      [0, 1, 1],
    ]);
    expect(value(new FlopsRegularizer().compute(q))).toBeCloseTo(2.75, 6);
    const g = tf.grad((x: tf.Tensor) => new FlopsRegularizer().compute(x as tf.Tensor2D))(q);
    // Column 2: mean 1.5 → 2·1.5/2 = 1.5, sign −1 for row 0. Column 0: 2·0.5/2 = 0.5 at row 0.
    expect(g.arraySync()).toEqual([
      [0.5, 0, -1.5],
      [0, 0.5, 1.5],
    ]);
    tf.dispose([q, g]);
  });

  it('L1: mean over the batch of Σ_v |w|', () => {
    const q = tf.tensor2d([
      [1, 0, -2],
      [0, 1, 1],
    ]);
    expect(value(new L1Regularizer().compute(q))).toBeCloseTo(2.5, 6);
    q.dispose();
  });

  it('quadratic warm-up λ·min(1, t/T)²', () => {
    expect(quadraticWarmup(0.1, 4, 0)).toBe(0);
    expect(quadraticWarmup(0.1, 4, 1)).toBeCloseTo(0.1 / 16, 12);
    expect(quadraticWarmup(0.1, 4, 2)).toBeCloseTo(0.025, 12);
    expect(quadraticWarmup(0.1, 4, 4)).toBeCloseTo(0.1, 12);
    expect(quadraticWarmup(0.1, 4, 100)).toBeCloseTo(0.1, 12);
    expect(quadraticWarmup(0.1, 0, 1)).toBe(0.1);
  });
});

describe('SpladeLoss', () => {
  it('combines weighted ranking terms and warmed-up regularizers, naming each component', () => {
    const r = reps([
      [5, 3],
      [4, 4.5],
    ]);
    const loss = new SpladeLoss(
      [
        { loss: new InBatchCrossEntropy('own'), weight: 1 },
        { loss: new MarginMse(), weight: 0.5 },
      ],
      [
        { name: 'flops_q', regularizer: new FlopsRegularizer(), target: 'queries', lambda: 0.1, warmupSteps: 4 },
        { name: 'flops_d', regularizer: new FlopsRegularizer(), target: 'documents', lambda: 0.2, warmupSteps: 0 },
        { name: 'l1_q', regularizer: new L1Regularizer(), target: 'queries', lambda: 0.01, warmupSteps: 0 },
      ],
    );
    const out = loss.compute(r, 2);
    const c = Object.fromEntries(Object.entries(out.components).map(([k, t]) => [k, value(t)]));
    const ce = (1.8619948 + 0.169846) / 2;
    // Documents: the mean of FLOPS on positives ((0.5, 1.5, 0.5) → 2.75) and on negatives ((0.5, 0, 0.5) → 0.5).
    expect(c.ce).toBeCloseTo(ce, 5);
    expect(c.margin_mse).toBeCloseTo(10.625, 4);
    expect(c.rank).toBeCloseTo(ce + 0.5 * 10.625, 4);
    expect(c.flops_q).toBeCloseTo(2.75, 5);
    expect(c.flops_d).toBeCloseTo(1.625, 5);
    expect(c.l1_q).toBeCloseTo(2.5, 5);
    expect(out.lambdas).toEqual({ flops_q: 0.025, flops_d: 0.2, l1_q: 0.01 });
    expect(value(out.total)).toBeCloseTo(ce + 5.3125 + 0.025 * 2.75 + 0.2 * 1.625 + 0.01 * 2.5, 4);
    disposeReps(r);
  });

  it('rejects two components with one name', () => {
    const flops = new FlopsRegularizer();
    expect(
      () =>
        new SpladeLoss(
          [{ loss: new InBatchCrossEntropy(), weight: 1 }],
          [
            { name: 'x', regularizer: flops, target: 'queries', lambda: 1, warmupSteps: 0 },
            { name: 'x', regularizer: flops, target: 'documents', lambda: 1, warmupSteps: 0 },
          ],
        ),
    ).toThrow(/two loss components are named "x"/);
  });
});
