import * as tf from '@tensorflow/tfjs-core';
import { matMul2d } from '../tensor/matmul.ts';

/**
 * SPLADE max pooling, max first. Because log1p and relu are monotone and the decoder bias is per vocabulary
 * entry, max_t log(1 + relu(h_t·w_j + b_j)) = log(1 + relu(max_t(h_t·w_j) + b_j)): the masked max (and its
 * argmax) of the raw projection is taken chunk by chunk over the vocabulary, so no [batch, tokens, vocab]
 * tensor larger than one chunk ever exists; bias and log1p(relu) then act on [batch, vocab].
 */

/** Elements of one [batch·tokens, chunk] projection; bounds the working memory (8M floats = 32 MB). */
export const DEFAULT_CHUNK_ELEMENTS = 1 << 23;

export interface MaxProjection {
  /** max over non-padding tokens of (h·wᵀ + b), [batch, vocab]. */
  maxLogits: tf.Tensor2D;
  /** The token position giving that max, int32 [batch, vocab]. */
  argmax: tf.Tensor2D;
  /** Σ_j logit² per token, [batch·seq] — only with `withSquares` (head diagnostics); padding rows are meaningless. */
  sumSquares?: tf.Tensor1D;
}

export interface ProjectionOptions {
  chunkElements?: number;
  /** Also return each token's Σ_j logit² (materializes bias-added logits per chunk). */
  withSquares?: boolean;
}

/** Vocabulary columns per chunk for `rows` token rows. */
export function vocabChunk(rows: number, vocab: number, chunkElements = DEFAULT_CHUNK_ELEMENTS): number {
  return Math.max(1, Math.min(vocab, Math.floor(chunkElements / Math.max(1, rows))));
}

/**
 * What a padding token's projection becomes: the hidden states get an extra input column that is 1 for padding
 * and 0 for real tokens, the decoder rows an extra column holding this value. Real tokens' projections gain
 * an exact 0·PAD_LOGIT = −0 (bit-identical); padding ones sink far below any real logit. This masks inside the
 * matMul, with no pass over the [vocab-chunk, tokens] result.
 */
const PAD_LOGIT = -1e30;

/**
 * Masked max of the decoder projection. `headHidden` [batch, seq, hidden], `attentionMask` [batch, seq] (1 = real
 * token), `decoderWeight` [vocab, hidden], `decoderBias` [vocab]. Returned tensors belong to the caller.
 * Each chunk is `decoderRows [chunk, hidden+1] · hiddenᵀ [hidden+1, batch·seq]`, a plain 2-D product whose
 * result is reduced over its last (token) axis.
 */
export function maxProjection(
  headHidden: tf.Tensor3D,
  attentionMask: tf.Tensor2D,
  decoderWeight: tf.Tensor2D,
  decoderBias: tf.Tensor1D,
  opts: ProjectionOptions = {},
): MaxProjection {
  const [batch, seq, hidden] = headHidden.shape;
  const rows = batch * seq;
  const vocab = decoderWeight.shape[0];
  const chunk = vocabChunk(rows, vocab, opts.chunkElements);
  return tf.tidy(() => {
    const padColumn = tf.reshape(tf.sub(1, tf.cast(attentionMask, 'float32')), [rows, 1]);
    const hT = tf.transpose(tf.concat([tf.reshape(headHidden, [rows, hidden]), padColumn], 1)) as tf.Tensor2D;
    const maxes: tf.Tensor2D[] = [];
    const args: tf.Tensor2D[] = [];
    const squares: tf.Tensor1D[] = [];
    for (let start = 0; start < vocab; start += chunk) {
      const size = Math.min(chunk, vocab - start);
      const [m, a, sq] = tf.tidy(() => {
        const w = tf.concat([tf.slice(decoderWeight, [start, 0], [size, hidden]), tf.fill([size, 1], PAD_LOGIT)], 1) as tf.Tensor2D;
        const proj = matMul2d(w, hT); // [size, batch·seq]
        // Padding columns become ~1e60 → Infinity here; only real tokens' sums are ever read.
        const s = opts.withSquares
          ? (tf.sum(tf.square(tf.add(proj, tf.reshape(tf.slice(decoderBias, [start], [size]), [size, 1]))), 0) as tf.Tensor1D)
          : undefined;
        const p3 = tf.reshape(proj, [size, batch, seq]);
        return [tf.max(p3, 2) as tf.Tensor2D, tf.argMax(p3, 2) as tf.Tensor2D, s] as const;
      });
      maxes.push(m);
      args.push(a);
      if (sq) squares.push(sq);
    }
    const maxRaw = tf.transpose(maxes.length === 1 ? maxes[0]! : tf.concat(maxes, 0));
    const result: MaxProjection = {
      maxLogits: tf.add(maxRaw, decoderBias) as tf.Tensor2D,
      argmax: tf.cast(tf.transpose(args.length === 1 ? args[0]! : tf.concat(args, 0)), 'int32') as tf.Tensor2D,
    };
    if (opts.withSquares) result.sumSquares = (squares.length === 1 ? squares[0]! : tf.addN(squares)) as tf.Tensor1D;
    return result as unknown as tf.TensorContainer;
  }) as unknown as MaxProjection;
}

/** log(1 + relu(x)) elementwise: the SPLADE activation on pooled logits. */
export function spladeActivation(maxLogits: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.log1p(tf.relu(maxLogits)));
}

export interface SpladePooled {
  /** SPLADE weights [batch, vocab]. */
  weights: tf.Tensor2D;
  /** Token position that produced each weight's max, int32 [batch, vocab]. */
  argmax: tf.Tensor2D;
}

/** w_j = max over non-padding tokens of log(1 + relu(logit_tj)), max-first. */
export function spladePool(
  headHidden: tf.Tensor3D,
  attentionMask: tf.Tensor2D,
  decoderWeight: tf.Tensor2D,
  decoderBias: tf.Tensor1D,
  opts: { chunkElements?: number } = {},
): SpladePooled {
  const { maxLogits, argmax } = maxProjection(headHidden, attentionMask, decoderWeight, decoderBias, opts);
  const weights = spladeActivation(maxLogits);
  maxLogits.dispose();
  return { weights, argmax };
}
