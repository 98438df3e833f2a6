import * as tf from '@tensorflow/tfjs-core';
import { linear } from './linear.ts';
import { applyRope, type RopeTables } from './rope.ts';

export interface AttentionParams {
  wqkvT: tf.Tensor2D;
  bqkv?: tf.Tensor1D;
  woT: tf.Tensor2D;
  bo?: tf.Tensor1D;
}

export interface AttentionShape {
  batch: number;
  seq: number;
  numHeads: number;
  headDim: number;
}

export interface AttentionRun {
  rope: RopeTables;
  /** Additive bias broadcast to [batch, heads, seq, seq]. */
  bias: tf.Tensor4D;
  dropout: number;
}

function dropout<T extends tf.Tensor>(x: T, rate: number): T {
  return rate > 0 ? (tf.dropout(x, rate) as T) : x;
}

/**
 * Eager self-attention as HF's ModernBertAttention: fused Wqkv (rows laid out as [q | k | v], each
 * heads × headDim), RoPE on q and k, scores scaled by 1/sqrt(headDim), softmax, Wo.
 * x is [batch·seq, hidden]; returns [batch·seq, hidden].
 */
export function attention(x: tf.Tensor2D, p: AttentionParams, s: AttentionShape, run: AttentionRun): tf.Tensor2D {
  return tf.tidy(() => {
    const { batch, seq, numHeads, headDim } = s;
    const hidden = numHeads * headDim;
    const qkv = linear(x, p.wqkvT, p.bqkv);
    const [q2, k2, v2] = tf.split(qkv, 3, 1);
    const asHeads = (t: tf.Tensor): tf.Tensor4D => tf.reshape(t, [batch, seq, numHeads, headDim]);
    const q = applyRope(asHeads(q2), run.rope);
    const k = applyRope(asHeads(k2), run.rope);
    const qh = tf.reshape(tf.transpose(q, [0, 2, 1, 3]), [batch * numHeads, seq, headDim]);
    const kT = tf.reshape(tf.transpose(k, [0, 2, 3, 1]), [batch * numHeads, headDim, seq]);
    const vh = tf.reshape(tf.transpose(asHeads(v2), [0, 2, 1, 3]), [batch * numHeads, seq, headDim]);
    const scores = tf.mul(tf.matMul(qh, kT), 1 / Math.sqrt(headDim));
    const biased = tf.add(tf.reshape(scores, [batch, numHeads, seq, seq]), run.bias);
    const probs = dropout(tf.softmax(biased, -1), run.dropout);
    const context = tf.matMul(tf.reshape(probs, [batch * numHeads, seq, seq]), vh);
    const perToken = tf.transpose(tf.reshape(context, [batch, numHeads, seq, headDim]), [0, 2, 1, 3]);
    const merged = tf.reshape(perToken, [batch * seq, hidden]) as tf.Tensor2D;
    return dropout(linear(merged, p.woT, p.bo), run.dropout);
  });
}
