import * as tf from '@tensorflow/tfjs-core';

/**
 * Row lookup `table[ids]` for flat int32 ids → [n, hidden]. The gradient is a scatter-add (wasm has no
 * UnsortedSegmentSum, which tfjs's gather gradient needs). Like torch's `padding_idx`, the padding row
 * gets no gradient from the lookup.
 */
export function embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor1D, paddingId: number): tf.Tensor2D {
  const shape = table.shape;
  const lookup = tf.customGrad((t, save) => {
    // ids is not an input (it has no gradient) but the backward pass runs after this scope is gone.
    (save as tf.GradSaveFunc)([ids]);
    return {
      value: tf.gather(t as tf.Tensor2D, ids),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const savedIds = saved[0] as tf.Tensor1D;
          const keep = tf.expandDims(tf.cast(tf.notEqual(savedIds, tf.scalar(paddingId, 'int32')), 'float32'), 1);
          return tf.scatterND(tf.expandDims(savedIds, 1), tf.mul(dy, keep), shape);
        }),
    };
  });
  return lookup(table) as tf.Tensor2D;
}
