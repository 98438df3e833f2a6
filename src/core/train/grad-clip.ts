import * as tf from '@tensorflow/tfjs-core';

export type GradMap = Map<string, tf.Tensor>;

/** √(Σ over every gradient of Σ g²), accumulated in float64 from each tensor's float32 sum of squares. */
export function globalNorm(grads: GradMap): number {
  let sum = 0;
  for (const g of grads.values()) {
    const sq = tf.tidy(() => tf.sum(tf.square(g)));
    sum += sq.dataSync()[0]!;
    sq.dispose();
  }
  return Math.sqrt(sum);
}

/**
 * Global-norm clipping as PyTorch's `clip_grad_norm_`: with N the global norm, every gradient is multiplied
 * by min(1, maxNorm / (N + 1e-6)). Takes ownership of `grads`: tensors it rescales are disposed and
 * replaced in the returned map. maxNorm ≤ 0 or non-finite turns clipping off (the norm is still measured).
 * A non-finite norm leaves the gradients as they are; the caller decides what to do with the step.
 */
export function clipByGlobalNorm(grads: GradMap, maxNorm: number): { grads: GradMap; norm: number } {
  const norm = globalNorm(grads);
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm) || !Number.isFinite(norm)) return { grads, norm };
  const coef = maxNorm / (norm + 1e-6);
  if (coef >= 1) return { grads, norm };
  const out: GradMap = new Map();
  for (const [name, g] of grads) {
    out.set(name, tf.mul(g, coef));
    g.dispose();
  }
  return { grads: out, norm };
}
