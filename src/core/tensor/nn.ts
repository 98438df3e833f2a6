import * as tf from '@tensorflow/tfjs-core';
import { InputError, type InputLocation } from '../errors.ts';
import { geluExact as fusedGelu } from './gelu.ts';
import { layerNorm as fusedLayerNorm } from './layer-norm.ts';
import { matMul2d } from './matmul.ts';

/**
 * Building blocks of the BERT-family forward passes. Dense layers keep their weight stored [in, out], so the
 * product is a plain 2-D `matMul` (wasm's fast XNNPACK path) with no per-call transpose; `matMul2d` keeps the
 * backward pass on plain products too.
 */

/** `x [n, in] · w [in, out] + b` (the weight stored transposed from the Hugging Face [out, in]). */
export function denseInOut(x: tf.Tensor2D, weightInOut: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  const y = matMul2d(x, weightInOut);
  return bias ? tf.add(y, bias) : y;
}

/**
 * torch.nn.LayerNorm over the last axis: biased variance, eps inside the square root. Rows with a bias go
 * through the fused op (closed-form backward, layer-norm.ts); other shapes through tfjs autograd.
 */
export function layerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D | undefined, eps: number): T {
  if (x.rank === 2 && beta) return fusedLayerNorm(x as unknown as tf.Tensor2D, gamma, beta, eps) as unknown as T;
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
    const scaled = tf.mul(normed, gamma);
    return (beta ? tf.add(scaled, beta) : scaled) as T;
  });
}

export type Activation = (x: tf.Tensor) => tf.Tensor;

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Exact GELU: x·Φ(x) = 0.5·x·(1 + erf(x/√2)), transformers' `gelu` (closed-form derivative, gelu.ts). */
export function geluExact(x: tf.Tensor): tf.Tensor {
  return fusedGelu(x);
}

/** The tanh approximation (`gelu_new`, `gelu_pytorch_tanh`, `gelu_fast`). */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inner = tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
    return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
  });
}

const ACTIVATIONS: Record<string, Activation> = {
  gelu: geluExact,
  gelu_new: geluTanh,
  gelu_pytorch_tanh: geluTanh,
  gelu_fast: geluTanh,
  relu: (x) => tf.relu(x),
  silu: (x) => tf.tidy(() => tf.mul(x, tf.sigmoid(x))),
  swish: (x) => tf.tidy(() => tf.mul(x, tf.sigmoid(x))),
  quick_gelu: (x) => tf.tidy(() => tf.mul(x, tf.sigmoid(tf.mul(1.702, x)))),
  tanh: (x) => tf.tanh(x),
};

/** The activation a config names (transformers' ACT2FN keys), or an InputError naming the field. */
export function activationByName(name: unknown, where: InputLocation): Activation {
  if (typeof name === 'string' && name in ACTIVATIONS) return ACTIVATIONS[name]!;
  throw new InputError(`unsupported activation ${JSON.stringify(name)} (supported: ${Object.keys(ACTIVATIONS).join(', ')})`, where);
}

/** Float32's lowest value, `torch.finfo(torch.float32).min`, which transformers adds at masked positions. */
export const FLOAT32_MIN = -3.4028234663852886e38;

/** The extended attention mask: 0 where attended, float32 min where padded; [batch, 1, 1, seq]. */
export function additiveAttentionMask(attentionMask: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, t] = attentionMask.shape;
    const m = tf.cast(attentionMask, 'float32');
    return tf.reshape(tf.mul(tf.sub(1, m), FLOAT32_MIN), [b, 1, 1, t]);
  });
}

export interface AttentionShape {
  batch: number;
  seq: number;
  heads: number;
}

/** [batch·seq, heads·dim] → [batch, heads, seq, dim]. */
export function splitHeads(x: tf.Tensor2D, s: AttentionShape): tf.Tensor4D {
  const dim = x.shape[1] / s.heads;
  return tf.transpose(tf.reshape(x, [s.batch, s.seq, s.heads, dim]), [0, 2, 1, 3]);
}

/** [batch, heads, seq, dim] → [batch·seq, heads·dim]. */
export function mergeHeads(x: tf.Tensor4D): tf.Tensor2D {
  const [b, h, t, d] = x.shape;
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b * t, h * d]);
}

/**
 * Eager scaled dot-product attention: softmax(q·kᵀ/√d + mask)·v, with `q`, `k`, `v` as [batch·seq, hidden].
 * `scaleQueryFirst` divides q by √d before the product (DistilBERT) instead of the scores after it (BERT).
 */
export function selfAttention(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  v: tf.Tensor2D,
  mask: tf.Tensor4D,
  s: AttentionShape,
  opts: { scaleQueryFirst?: boolean; dropout?: number } = {},
): tf.Tensor2D {
  return tf.tidy(() => {
    const dim = q.shape[1] / s.heads;
    const scale = Math.sqrt(dim);
    let qh = splitHeads(q, s);
    if (opts.scaleQueryFirst) qh = tf.div(qh, scale);
    // k goes straight to [batch, heads, dim, seq] so the product needs no transpose flag.
    const kt = tf.transpose(tf.reshape(k, [s.batch, s.seq, s.heads, dim]), [0, 2, 3, 1]) as tf.Tensor4D;
    let scores = tf.matMul(qh, kt);
    if (!opts.scaleQueryFirst) scores = tf.div(scores, scale);
    let probs = tf.softmax(tf.add(scores, mask));
    if (opts.dropout && opts.dropout > 0) probs = tf.dropout(probs, opts.dropout);
    return mergeHeads(tf.matMul(probs, splitHeads(v, s)) as tf.Tensor4D);
  });
}

export function maybeDropout<T extends tf.Tensor>(x: T, rate: number, training: boolean): T {
  return training && rate > 0 ? (tf.dropout(x, rate) as T) : x;
}
