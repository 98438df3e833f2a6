import * as tf from '@tensorflow/tfjs-core';
import { readFloat32 } from './heap-view.ts';
import { attentionBackward, attentionForward } from './packed-attention-kernel.ts';
import type { PackedLayout } from './packed.ts';

/*
 * Eager scaled dot-product self-attention over packed sequences (padding removed, so no mask is needed and
 * no work is spent on padding): for each sequence and head, S = q·kᵀ/√d, P = softmax(S), O = P·v.
 * The backward pass is written out (with tfjs ops, every product a plain 2-D matMul on explicit transposes,
 * the wasm backend's fast path):
 *   dP = dO·vᵀ,  dS = P ∘ (dP − rowsum(dP ∘ P)) / √d,  dq = dS·k,  dk = dSᵀ·q,  dv = Pᵀ·dO.
 * Masked keys contribute exactly nothing in the padded formulation (exp underflows to 0), so the result
 * equals it at every real token. With attention dropout (training), O = (P ∘ D)·v for a kept-mask D scaled by
 * 1/(1 − rate), as torch's dropout on the probabilities; then dP = (dO·vᵀ) ∘ D and dv = (P ∘ D)ᵀ·dO.
 * A sliding window (ModernBERT's local layers) adds a constant −1e9 to the scores of keys outside the band
 * before the softmax: their probabilities are exactly 0, as in the padded formulation, so the backward formula
 * above holds unchanged (dS is 0 wherever P is).
 * Without dropout the whole batch goes through one kernel call each way (packed-attention-kernel.ts: the same
 * formulas on plain arrays, products in a SIMD GEMM); with dropout, through tfjs ops per sequence and head,
 * which draw the seeded masks.
 */

export interface PackedAttentionOptions {
  /** Dropout rate on the attention probabilities (0 = none). */
  rate?: number;
  /** Seeds the masks (sequence i, head h uses seed + i·heads + h) for a repeatable run; random when absent. */
  seed?: number;
  /**
   * Sliding window: token i sees token j of its sequence only when their positions (layout columns) differ by
   * at most this much. Absent: every token of the sequence.
   */
  halfWindow?: number;
}

/** Added to the scores of keys outside the window: exp() of it is exactly 0 next to any visible score. */
const OUTSIDE_WINDOW = -1e9;

/** [len, len] additive band mask over the given positions, or undefined when every pair is within the band. */
function bandBias(columns: Int32Array, start: number, len: number, halfWindow: number | undefined): Float32Array | undefined {
  if (halfWindow === undefined || len === 0 || columns[start + len - 1]! - columns[start]! <= halfWindow) return undefined;
  const bias = new Float32Array(len * len);
  for (let i = 0; i < len; i++) {
    const ci = columns[start + i]!;
    for (let j = 0; j < len; j++) if (Math.abs(ci - columns[start + j]!) > halfWindow) bias[i * len + j] = OUTSIDE_WINDOW;
  }
  return bias;
}

/** qkv [tokens, 3·hidden] (q | k | v per token, heads side by side) → context [tokens, hidden]. */
export function packedSelfAttention(qkv: tf.Tensor2D, layout: PackedLayout, heads: number, drop?: PackedAttentionOptions): tf.Tensor2D {
  const dropout = drop?.rate ?? 0;
  const hidden = qkv.shape[1] / 3;
  const dim = hidden / heads;
  const scale = 1 / Math.sqrt(dim);
  const seqs = layout.lengths
    .map((len, b) => ({ start: layout.offsets[b]!, len, band: bandBias(layout.columns, layout.offsets[b]!, len, drop?.halfWindow) }))
    .filter((s) => s.len > 0);
  if (dropout === 0) return kernelAttention(qkv, seqs, heads, scale);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const probs: tf.Tensor2D[] = [];
    const kept: tf.Tensor2D[] = [];
    const outs: tf.Tensor2D[] = [];
    seqs.forEach(({ start, len, band }, i) => {
      const rows = tf.slice(x, [start, 0], [len, 3 * hidden]);
      const bias = band ? tf.tensor2d(band, [len, len]) : undefined;
      const kT = tf.transpose(tf.slice(rows, [0, hidden], [len, hidden]));
      const perHead: tf.Tensor2D[] = [];
      for (let h = 0; h < heads; h++) {
        const q = tf.slice(rows, [0, h * dim], [len, dim]);
        const k = tf.slice(kT, [h * dim, 0], [dim, len]);
        const v = tf.slice(rows, [0, 2 * hidden + h * dim], [len, dim]);
        const scores = tf.mul(tf.matMul(q, k), scale);
        const p = tf.softmax(bias ? tf.add(scores, bias) : scores) as tf.Tensor2D;
        probs.push(p);
        if (dropout > 0) {
          // Kept entries scaled by 1/(1 − rate), dropped ones 0: the mask tf.dropout would apply.
          const seed = drop?.seed === undefined ? undefined : drop.seed + i * heads + h;
          const mask = tf.dropout(tf.onesLike(p), dropout, undefined, seed) as tf.Tensor2D;
          kept.push(mask);
          perHead.push(tf.matMul(tf.mul(p, mask), v));
        } else {
          perHead.push(tf.matMul(p, v));
        }
      }
      outs.push(heads === 1 ? perHead[0]! : tf.concat(perHead, 1));
    });
    save([x, ...probs, ...kept]);
    const value = outs.length === 0 ? tf.zeros([0, hidden]) : outs.length === 1 ? outs[0]! : tf.concat(outs, 0);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const sx = saved[0] as tf.Tensor2D;
        const grads: tf.Tensor2D[] = [];
        seqs.forEach(({ start, len }, i) => {
          const rows = tf.slice(sx, [start, 0], [len, 3 * hidden]);
          const dOut = tf.slice(dy as tf.Tensor2D, [start, 0], [len, hidden]);
          const dq: tf.Tensor2D[] = [];
          const dk: tf.Tensor2D[] = [];
          const dv: tf.Tensor2D[] = [];
          for (let h = 0; h < heads; h++) {
            const p = saved[1 + i * heads + h] as tf.Tensor2D;
            const mask = dropout > 0 ? (saved[1 + seqs.length * heads + i * heads + h] as tf.Tensor2D) : undefined;
            const pKept = mask ? tf.mul(p, mask) : p;
            const q = tf.slice(rows, [0, h * dim], [len, dim]);
            const k = tf.slice(rows, [0, hidden + h * dim], [len, dim]);
            const v = tf.slice(rows, [0, 2 * hidden + h * dim], [len, dim]);
            const dO = heads === 1 ? dOut : tf.slice(dOut, [0, h * dim], [len, dim]);
            const dPKept = tf.matMul(dO, tf.transpose(v));
            const dP = mask ? tf.mul(dPKept, mask) : dPKept;
            const dS = tf.mul(tf.mul(p, tf.sub(dP, tf.sum(tf.mul(dP, p), 1, true))), scale);
            dq.push(tf.matMul(dS, k));
            dk.push(tf.matMul(tf.transpose(dS), q));
            dv.push(tf.matMul(tf.transpose(pKept), dO));
          }
          grads.push(tf.concat([...dq, ...dk, ...dv], 1));
        });
        if (grads.length === 0) return [tf.zerosLike(sx)];
        const packed = grads.length === 1 ? grads[0]! : tf.concat(grads, 0);
        // Rows of empty sequences never exist in x, so the packed gradient already has x's shape.
        return [packed];
      },
    };
  });
  return op(qkv) as tf.Tensor2D;
}

/** packedSelfAttention without dropout through the array kernel: one call forward, one backward. */
function kernelAttention(qkv: tf.Tensor2D, seqs: { start: number; len: number; band?: Float32Array }[], heads: number, scale: number): tf.Tensor2D {
  const [tokens, width] = qkv.shape;
  const hidden = width / 3;
  const shape = { heads, dim: hidden / heads, scale };
  const kernelSeqs = seqs.map(({ start, len, band }) => ({ start, len, bias: band }));
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    // The kernel reads x at once, before any tfjs allocation could move the wasm heap under the view.
    const { out, probs } = attentionForward(readFloat32(x), tokens, kernelSeqs, shape);
    save([x]);
    return {
      value: tf.tensor2d(out, [tokens, hidden]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const grad = attentionBackward(readFloat32(saved[0]!), readFloat32(dy), tokens, kernelSeqs, probs, shape);
        return [tf.tensor2d(grad, [tokens, width])];
      },
    };
  });
  return op(qkv) as tf.Tensor2D;
}
