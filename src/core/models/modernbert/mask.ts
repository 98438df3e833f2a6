import * as tf from '@tensorflow/tfjs-core';

/**
 * Added to masked attention scores. Finite (unlike -inf) so a padding query with no visible key still gets a
 * finite, ignored output; large enough that exp() of a masked score is exactly 0 next to any visible one.
 */
const MASKED = -1e9;

/** Additive attention biases for one forward pass, shared by all layers of a kind. */
export interface AttentionBiases {
  /** [batch, 1, 1, seq]: padding keys masked. */
  global: tf.Tensor4D;
  /** [batch, 1, seq, seq]: padding keys and keys with |i - j| > halfWindow masked. */
  local: tf.Tensor4D;
}

/** `attentionMask` is [batch, seq], 1 for tokens, 0 for padding; `halfWindow` is local_attention // 2. */
export function attentionBiases(attentionMask: tf.Tensor2D, halfWindow: number): AttentionBiases {
  return tf.tidy(() => {
    const [batch, seq] = attentionMask.shape;
    const keys = tf.reshape(tf.cast(tf.notEqual(attentionMask, 0), 'float32'), [batch, 1, 1, seq]);
    // bandPart refuses a band wider than the matrix; -1 keeps the whole triangle.
    const band = halfWindow >= seq - 1 ? -1 : halfWindow;
    const inWindow = tf.reshape(tf.linalg.bandPart(tf.ones([seq, seq]), band, band), [1, 1, seq, seq]);
    const toBias = (visible: tf.Tensor): tf.Tensor4D => tf.mul(tf.sub(1, visible), MASKED) as tf.Tensor4D;
    return { global: toBias(keys), local: toBias(tf.mul(keys, inWindow)) };
  });
}
