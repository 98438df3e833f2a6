import * as tf from '@tensorflow/tfjs-core';

/**
 * `x @ wT` for x [n, in] and wT [in, out] (weights kept transposed). The gradient uses explicit transposes
 * and plain 2-D matMuls: tfjs's own matMul gradient passes transpose flags, which wasm runs ~10× slower.
 */
const matMulPlain = tf.customGrad((x, wT, save) => {
  const a = x as tf.Tensor2D;
  const b = wT as tf.Tensor2D;
  (save as tf.GradSaveFunc)([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
});

/** A dense layer on rows: x [n, in], wT [in, out], optional bias [out] → [n, out]. */
export function linear(x: tf.Tensor2D, wT: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  const y = matMulPlain(x, wT) as tf.Tensor2D;
  return bias ? tf.add(y, bias) : y;
}
