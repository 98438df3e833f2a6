import * as tf from '@tensorflow/tfjs-core';
import type { AttentionParams } from './attention.ts';
import type { ActivationName, LayerKind } from './config.ts';
import { layerNorm } from './layer-norm.ts';
import { mlp, type MlpParams } from './mlp.ts';

export interface NormParams {
  weight: tf.Tensor1D;
  bias?: tf.Tensor1D;
}

export interface LayerParams {
  kind: LayerKind;
  /** Absent in layer 0, whose attention norm is the identity (the embeddings are already normalized). */
  attnNorm?: NormParams;
  attn: AttentionParams;
  mlpNorm: NormParams;
  mlp: MlpParams;
}

export interface LayerRun {
  /** The layer's attention on its normed input, [n, hidden] → [n, hidden] (padded or packed rows). */
  attend: (x: tf.Tensor2D, p: AttentionParams) => tf.Tensor2D;
  normEps: number;
  activation: ActivationName;
  mlpDropout: number;
}

export function norm<T extends tf.Tensor>(x: T, p: NormParams, eps: number): T {
  return layerNorm(x, p.weight, p.bias, eps);
}

/** Pre-norm encoder layer: h = x + attn(attn_norm(x)); out = h + mlp(mlp_norm(h)). x is [rows, hidden]. */
export function encoderLayer(x: tf.Tensor2D, p: LayerParams, run: LayerRun): tf.Tensor2D {
  return tf.tidy(() => {
    const attnIn = p.attnNorm ? norm(x, p.attnNorm, run.normEps) : x;
    const h = tf.add(x, run.attend(attnIn, p.attn)) as tf.Tensor2D;
    return tf.add<tf.Tensor2D>(h, mlp(norm(h, p.mlpNorm, run.normEps), p.mlp, run.activation, run.mlpDropout));
  });
}
