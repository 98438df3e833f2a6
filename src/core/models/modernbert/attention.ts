import * as tf from '@tensorflow/tfjs-core';
import { packedSelfAttention } from '../../tensor/attention.ts';
import type { PackedLayout } from '../../tensor/packed.ts';
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

export interface PackedAttentionRun {
  layout: PackedLayout;
  /** Tables at every packed token's own position, [tokens, 1, headDim]. */
  rope: RopeTables;
  numHeads: number;
  headDim: number;
  /** Local layers: local_attention // 2; absent for global layers. */
  halfWindow?: number;
  dropout: number;
}

/**
 * The same attention on packed real tokens x [tokens, hidden] (no padding): the projections are plain 2-D
 * products over all tokens, RoPE rotates each token at its own position, and packedSelfAttention attends
 * within each sequence (inside the window on local layers). Equal to `attention` at every real token.
 */
export function packedAttention(x: tf.Tensor2D, p: AttentionParams, run: PackedAttentionRun): tf.Tensor2D {
  return tf.tidy(() => {
    const { numHeads, headDim } = run;
    const tokens = x.shape[0];
    const hidden = numHeads * headDim;
    const qkv = linear(x, p.wqkvT, p.bqkv);
    // q and k rotate together: [tokens, 2·heads, headDim] against tables [tokens, 1, headDim].
    const qk = tf.reshape(tf.slice(qkv, [0, 0], [tokens, 2 * hidden]), [tokens, 2 * numHeads, headDim]);
    const rotated = tf.reshape(applyRope(qk, run.rope), [tokens, 2 * hidden]);
    const v = tf.slice(qkv, [0, 2 * hidden], [tokens, hidden]);
    const context = packedSelfAttention(tf.concat([rotated, v], 1) as tf.Tensor2D, run.layout, numHeads, {
      rate: run.dropout,
      halfWindow: run.halfWindow,
    });
    return dropout(linear(context, p.woT, p.bo), run.dropout);
  });
}
