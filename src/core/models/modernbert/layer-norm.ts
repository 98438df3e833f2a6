import * as tf from '@tensorflow/tfjs-core';

/** LayerNorm over the last axis (biased variance, like torch), with an optional bias. */
export function layerNorm<T extends tf.Tensor>(x: T, weight: tf.Tensor1D, bias: tf.Tensor1D | undefined, eps: number): T {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
    const scaled = tf.mul(normed, weight);
    return (bias ? tf.add(scaled, bias) : scaled) as T;
  });
}
