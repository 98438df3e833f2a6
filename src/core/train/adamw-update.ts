/*
 * The AdamW update rule on flat float32 arrays, in place, over elements [from, to) — the one loop behind the
 * AdamW class and the data-parallel optimizer (which gives each worker its own range). PyTorch's
 * torch.optim.AdamW (Loshchilov & Hutter, decoupled weight decay), with g = gradScale · gradient:
 *   p ← p − lr·wd·p
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
 * Intermediates are float64; results are stored as float32.
 */

export interface AdamWCoefficients {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** lr · weight decay for a decayed parameter, 0 for an exempt one. */
  decay: number;
  /** The parameter's update count, this update included (t ≥ 1). */
  step: number;
  /** Multiplies the gradient first (the clipping coefficient); 1 for none. */
  gradScale: number;
}

export function adamwUpdate(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  from: number,
  to: number,
  c: AdamWCoefficients,
): void {
  const keep = 1 - c.decay;
  const a1 = 1 - c.beta1;
  const a2 = 1 - c.beta2;
  const stepSize = c.lr / (1 - Math.pow(c.beta1, c.step));
  const invSqrtBc2 = 1 / Math.sqrt(1 - Math.pow(c.beta2, c.step));
  const { beta1, beta2, eps, gradScale } = c;
  for (let i = from; i < to; i++) {
    const gi = g[i]! * gradScale;
    const mi = beta1 * m[i]! + a1 * gi;
    const vi = beta2 * v[i]! + a2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i]! * keep - (stepSize * mi) / (Math.sqrt(vi) * invSqrtBc2 + eps);
  }
}
