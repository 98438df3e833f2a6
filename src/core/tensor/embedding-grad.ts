import * as tf from '@tensorflow/tfjs-core';

/**
 * Rows of `table` [rows, dim] picked by integer `ids` (any shape): result [...ids.shape, dim].
 *
 * tfjs differentiates `gather` with UnsortedSegmentSum, which the wasm backend lacks and the cpu backend
 * runs once per segment (minutes for a 30k vocabulary). The gradient here is a `scatterND` of the incoming
 * rows onto a zero table; scatterND adds rows that share an id, so the result is exact. `ids` gets no
 * gradient (it is not an input of the custom op).
 */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  const dim = table.shape[1];
  const count = ids.size;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const flatIds = tf.reshape(tf.cast(ids, 'int32'), [count]) as tf.Tensor1D;
    save([flatIds]);
    return {
      value: tf.reshape(tf.gather(t, flatIds), [...ids.shape, dim]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const indices = tf.reshape(saved[0]!, [count, 1]);
        const updates = tf.reshape(dy, [count, dim]);
        return [tf.scatterND(indices, updates, table.shape)];
      },
    };
  });
  return op(table);
}
