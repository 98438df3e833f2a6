import * as tf from '@tensorflow/tfjs-core';

/** Rotary tables for positions 0..seqLen-1, shaped [seqLen, 1, headDim] to broadcast over [b, s, heads, d]. */
export interface RopeTables {
  cos: tf.Tensor3D;
  /** sin with the first half negated, so that rotate_half(x)·sin = swapHalves(x)·sinSigned. */
  sinSigned: tf.Tensor3D;
}

/**
 * Builds the tables in float32 step by step as HF does (inv_freq = 1 / theta^(2i/d), angle = inv_freq·pos,
 * both rounded to float32), so long positions match its rounding, not a float64 ideal.
 */
export function ropeTables(seqLen: number, headDim: number, theta: number): RopeTables {
  const half = headDim / 2;
  const invFreq = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const exponent = Math.fround(Math.fround(2 * i) / headDim);
    invFreq[i] = Math.fround(1 / Math.fround(Math.pow(theta, exponent)));
  }
  const cos = new Float32Array(seqLen * headDim);
  const sin = new Float32Array(seqLen * headDim);
  for (let p = 0; p < seqLen; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(invFreq[i] * p);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[p * headDim + i] = c;
      cos[p * headDim + half + i] = c;
      sin[p * headDim + i] = -s;
      sin[p * headDim + half + i] = s;
    }
  }
  return {
    cos: tf.tensor3d(cos, [seqLen, 1, headDim]),
    sinSigned: tf.tensor3d(sin, [seqLen, 1, headDim]),
  };
}

/** x·cos + rotate_half(x)·sin on x [batch, seq, heads, headDim] (the non-interleaved, GPT-NeoX convention). */
export function applyRope(x: tf.Tensor4D, tables: RopeTables): tf.Tensor4D {
  return tf.tidy(() => {
    const half = x.shape[3] / 2;
    const [x1, x2] = tf.split(x, [half, half], 3);
    const swapped = tf.concat([x2, x1], 3);
    return tf.add(tf.mul(x, tables.cos), tf.mul(swapped, tables.sinSigned));
  });
}
