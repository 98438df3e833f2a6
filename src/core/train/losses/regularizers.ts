import * as tf from '@tensorflow/tfjs-core';
import type { Regularizer } from './types.ts';

/**
 * |x| written as x·sign(x): the same value, with gradient sign(x) — 0 at 0 as in PyTorch, where tfjs's own
 * `abs` gradient gives −1 at 0 (SPLADE vectors are mostly exact zeros).
 */
function absZeroGrad(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sign(x));
}

/**
 * FLOPS (Paria et al. 2020, arXiv 2004.05665): Σ over the vocabulary of (mean over the batch of |w|)²,
 * a smooth stand-in for the expected number of multiplications of a query–document product.
 */
export class FlopsRegularizer implements Regularizer {
  readonly kind = 'flops';

  compute(reps: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => tf.sum(tf.square(tf.mean(absZeroGrad(reps), 0))) as tf.Scalar);
  }
}

/** L1: mean over the batch of Σ over the vocabulary of |w| (naver/splade `L1`). */
export class L1Regularizer implements Regularizer {
  readonly kind = 'l1';

  compute(reps: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => tf.mean(tf.sum(absZeroGrad(reps), 1)) as tf.Scalar);
  }
}

/**
 * The regularizer weight after `t` updates: λ · min(1, t / T)², the quadratic warm-up of Paria et al. and
 * naver/splade's `RegWeightScheduler` (which counts the current step, so the first update uses t = 1).
 * T ≤ 0 means no warm-up.
 */
export function quadraticWarmup(lambda: number, warmupSteps: number, t: number): number {
  if (warmupSteps <= 0) return lambda;
  const r = Math.min(1, Math.max(0, t) / warmupSteps);
  return lambda * r * r;
}
