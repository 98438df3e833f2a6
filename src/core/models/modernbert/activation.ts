import * as tf from '@tensorflow/tfjs-core';
import type { ActivationName } from './config.ts';

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** `gelu` is the exact (erf) form, as HF's GELUActivation; the `_new`/`_tanh`/`_fast` names are the tanh form. */
export function activate<T extends tf.Tensor>(x: T, name: ActivationName): T {
  return tf.tidy(() => {
    switch (name) {
      case 'gelu':
        return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, SQRT_HALF))));
      case 'gelu_new':
      case 'gelu_pytorch_tanh':
      case 'gelu_fast': {
        const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), SQRT_2_OVER_PI);
        return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
      }
      case 'relu':
        return tf.relu(x);
      case 'silu':
      case 'swish':
        return tf.mul(x, tf.sigmoid(x));
      case 'tanh':
        return tf.tanh(x);
    }
  }) as T;
}
