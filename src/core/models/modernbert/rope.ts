import * as tf from '@tensorflow/tfjs-core';

/** Rotary tables for a list of positions, shaped [positions, 1, headDim] to broadcast over [..., heads, d]. */
export interface RopeTables {
  cos: tf.Tensor3D;
  /** sin with the first half negated, so that rotate_half(x)·sin = swapHalves(x)·sinSigned. */
  sinSigned: tf.Tensor3D;
}

/**
 * Builds the tables in float32 step by step as HF does (inv_freq = 1 / theta^(2i/d), angle = inv_freq·pos,
 * both rounded to float32), so long positions match its rounding, not a float64 ideal. Row r is position
 * `positions[r]`: 0..n-1 for a padded batch, each token's own position for packed sequences.
 */
export function ropeTablesAt(positions: ArrayLike<number>, headDim: number, theta: number): RopeTables {
  const half = headDim / 2;
  const invFreq = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const exponent = Math.fround(Math.fround(2 * i) / headDim);
    invFreq[i] = Math.fround(1 / Math.fround(Math.pow(theta, exponent)));
  }
  const n = positions.length;
  const cos = new Float32Array(n * headDim);
  const sin = new Float32Array(n * headDim);
  for (let r = 0; r < n; r++) {
    const p = positions[r]!;
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(invFreq[i]! * p);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[r * headDim + i] = c;
      cos[r * headDim + half + i] = c;
      sin[r * headDim + i] = -s;
      sin[r * headDim + half + i] = s;
    }
  }
  return {
    cos: tf.tensor3d(cos, [n, 1, headDim]),
    sinSigned: tf.tensor3d(sin, [n, 1, headDim]),
  };
}

/** Tables for positions 0..seqLen-1. */
export function ropeTables(seqLen: number, headDim: number, theta: number): RopeTables {
  return ropeTablesAt(Int32Array.from({ length: seqLen }, (_, i) => i), headDim, theta);
}

/** [d × d] permutation exchanging the two halves of a row: (x·P)[j] = x[(j + d/2) mod d]. Symmetric. */
function swapMatrix(d: number): tf.Tensor2D {
  const half = d / 2;
  const p = new Float32Array(d * d);
  for (let j = 0; j < d; j++) p[((j + half) % d) * d + j] = 1;
  return tf.tensor2d(p, [d, d]);
}

/**
 * [x2 | x1] for rows [x1 | x2] of x [n, d], as a product with a permutation matrix: a plain 2-D matMul (the wasm
 * backend's fast path) instead of split + concat, and exact (each output sums one x·1 and zeros). The gradient
 * is the same swap, P being its own transpose.
 */
const swapHalves = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor2D;
  return {
    value: tf.tidy(() => tf.matMul(x, swapMatrix(x.shape[1]))),
    gradFunc: (dy: tf.Tensor) => tf.tidy(() => tf.matMul(dy as tf.Tensor2D, swapMatrix(dy.shape[1]!))),
  };
});

/**
 * x·cos + rotate_half(x)·sin (the non-interleaved, GPT-NeoX convention) on x [..., heads, headDim], the
 * tables broadcasting against its leading axes ([batch, seq, heads, d] or packed [tokens, heads, d]).
 */
export function applyRope<T extends tf.Tensor>(x: T, tables: RopeTables): T {
  return tf.tidy(() => {
    const d = x.shape[x.rank - 1]!;
    const swapped = tf.reshape(swapHalves(tf.reshape(x, [-1, d])), x.shape);
    return tf.add(tf.mul(x, tables.cos), tf.mul(swapped, tables.sinSigned)) as T;
  });
}
