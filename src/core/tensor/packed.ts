import * as tf from '@tensorflow/tfjs-core';

/**
 * Where the real tokens of a padded batch [batch, seq] sit once packed one after another (padding dropped):
 * sequence b owns packed rows offsets[b] … offsets[b] + lengths[b] − 1.
 */
export interface PackedLayout {
  batch: number;
  seq: number;
  /** Flat index b·seq + t of every token, sequence by sequence. */
  flat: Int32Array;
  /** Column t of every token within its sequence (its absolute position id). */
  columns: Int32Array;
  offsets: number[];
  lengths: number[];
}

/** The layout of the non-zero entries of an attention mask [batch × seq] (any padding pattern). */
export function packedLayout(mask: ArrayLike<number>, batch: number, seq: number): PackedLayout {
  const flat: number[] = [];
  const offsets: number[] = [];
  const lengths: number[] = [];
  for (let b = 0; b < batch; b++) {
    offsets.push(flat.length);
    for (let t = 0; t < seq; t++) if (mask[b * seq + t] !== 0) flat.push(b * seq + t);
    lengths.push(flat.length - offsets[b]!);
  }
  const flatArr = Int32Array.from(flat);
  return { batch, seq, flat: flatArr, columns: flatArr.map((i) => i % seq), offsets, lengths };
}

/**
 * Packed rows [tokens, dim] put back at their places in [batch·seq, dim], zeros at padding. Differentiable:
 * the gradient gathers the token rows back.
 */
export function unpackRows(packed: tf.Tensor2D, layout: PackedLayout): tf.Tensor2D {
  const dim = packed.shape[1];
  const count = layout.flat.length;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const p = args[0] as tf.Tensor2D;
    return {
      value: tf.tidy(() => tf.scatterND(tf.tensor2d(layout.flat, [count, 1], 'int32'), p, [layout.batch * layout.seq, dim])),
      gradFunc: (dy: tf.Tensor) => tf.tidy(() => tf.gather(dy, tf.tensor1d(layout.flat, 'int32'))),
    };
  });
  return op(packed) as tf.Tensor2D;
}
