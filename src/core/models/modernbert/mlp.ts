import * as tf from '@tensorflow/tfjs-core';
import { activate } from './activation.ts';
import type { ActivationName } from './config.ts';
import { linear } from './linear.ts';

export interface MlpParams {
  /** [hidden, 2·intermediate]: output columns [input | gate]. */
  wiT: tf.Tensor2D;
  bi?: tf.Tensor1D;
  woT: tf.Tensor2D;
  bo?: tf.Tensor1D;
}

/** Gated MLP: Wi → chunk into (input, gate) → act(input)·gate → dropout → Wo. x is [n, hidden]. */
export function mlp(x: tf.Tensor2D, p: MlpParams, act: ActivationName, dropoutRate: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [input, gate] = tf.split(linear(x, p.wiT, p.bi), 2, 1);
    const gated = tf.mul(activate(input, act), gate) as tf.Tensor2D;
    const dropped = dropoutRate > 0 ? (tf.dropout(gated, dropoutRate) as tf.Tensor2D) : gated;
    return linear(dropped, p.woT, p.bo);
  });
}
