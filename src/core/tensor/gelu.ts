import * as tf from '@tensorflow/tfjs-core';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/*
 * Exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (transformers' `gelu`, torch's default), with the closed-form
 * derivative Φ(x) + x·φ(x), φ(x) = exp(−x²/2)/√(2π).
 */
const geluOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const cdf = tf.mul(tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1), 0.5);
  save([x, cdf]);
  return {
    value: tf.mul(x, cdf),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sc] = saved as [tf.Tensor, tf.Tensor];
      const pdf = tf.mul(tf.exp(tf.mul(tf.square(sx), -0.5)), INV_SQRT_2PI);
      return [tf.mul(dy, tf.add(sc, tf.mul(sx, pdf)))];
    },
  };
});

export function geluExact<T extends tf.Tensor>(x: T): T {
  return geluOp(x) as T;
}
