import * as tf from '@tensorflow/tfjs-core';
import { denseInOut, layerNorm } from '../tensor/nn.ts';
import type { ParamStore } from './masked-lm-base.ts';
import type { CheckpointWeights } from './weights.ts';

/** An nn.Linear: weight kept [in, out] (see ParamStore), bias [out]. */
export interface Dense {
  w: tf.Variable;
  b: tf.Variable;
}

/** An nn.LayerNorm with its affine parameters. */
export interface Norm {
  gamma: tf.Variable;
  beta: tf.Variable;
}

/**
 * Takes `<prefix>.weight` / `<prefix>.bias` of linear layers and layer norms (width `hidden`) from the
 * checkpoint and registers them under those names.
 */
export function linearAndNormLoaders(
  params: ParamStore,
  weights: CheckpointWeights,
  hidden: number,
): { dense: (prefix: string, out: number, inp: number) => Dense; norm: (prefix: string) => Norm } {
  return {
    dense: (prefix, out, inp) => ({
      w: params.add(`${prefix}.weight`, weights.take(`${prefix}.weight`, [out, inp]), { linear: true }),
      b: params.add(`${prefix}.bias`, weights.take(`${prefix}.bias`, [out])),
    }),
    norm: (prefix) => ({
      gamma: params.add(`${prefix}.weight`, weights.take(`${prefix}.weight`, [hidden])),
      beta: params.add(`${prefix}.bias`, weights.take(`${prefix}.bias`, [hidden])),
    }),
  };
}

export function applyDense(x: tf.Tensor2D, d: Dense): tf.Tensor2D {
  return denseInOut(x, d.w as tf.Tensor2D, d.b as tf.Tensor1D);
}

export function applyNorm(x: tf.Tensor2D, n: Norm, eps: number): tf.Tensor2D {
  return layerNorm(x, n.gamma as tf.Tensor1D, n.beta as tf.Tensor1D, eps);
}
