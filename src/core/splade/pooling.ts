import * as tf from '@tensorflow/tfjs-core';
import { FLOAT32_MIN, matMul2d } from '../tensor/nn.ts';

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
  /** Σ_j logit² per token, [batch·seq] — only with `withSquares` (head diagnostics). */
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
 * Masked max of the decoder projection. `headHidden` [batch, seq, hidden], `attentionMask` [batch, seq] (1 = real
 * token), `decoderWeight` [vocab, hidden], `decoderBias` [vocab]. Returned tensors belong to the caller.
 */
export function maxProjection(
  headHidden: tf.Tensor3D,
  attentionMask: tf.Tensor2D,
  decoderWeight: tf.Tensor2D,
  decoderBias: tf.Tensor1D,
  opts: ProjectionOptions = {},
): MaxProjection {
  const [batch, seq, hidden] = headHidden.shape;
  const vocab = decoderWeight.shape[0];
  const chunk = vocabChunk(batch * seq, vocab, opts.chunkElements);
  return tf.tidy(() => {
    const h = tf.reshape(headHidden, [batch * seq, hidden]) as tf.Tensor2D;
    // 0 for real tokens, float32 min for padding: padding never wins the max while a real token exists.
    const penalty = tf.reshape(tf.mul(tf.sub(1, tf.cast(attentionMask, 'float32')), FLOAT32_MIN), [batch, seq, 1]);
    const maxes: tf.Tensor2D[] = [];
    const args: tf.Tensor2D[] = [];
    const squares: tf.Tensor1D[] = [];
    for (let start = 0; start < vocab; start += chunk) {
      const size = Math.min(chunk, vocab - start);
      const [m, a, s] = tf.tidy(() => {
        // Slice rows (contiguous) then transpose, so the product is a plain 2-D matMul.
        const wT = tf.transpose(tf.slice(decoderWeight, [start, 0], [size, hidden])) as tf.Tensor2D;
        const proj = matMul2d(h, wT);
        let sq: tf.Tensor1D | undefined;
        if (opts.withSquares) {
          const logits = tf.add(proj, tf.slice(decoderBias, [start], [size]));
          sq = tf.sum(tf.square(logits), 1) as tf.Tensor1D;
        }
        const masked = tf.add(tf.reshape(proj, [batch, seq, size]), penalty);
        return [tf.max(masked, 1) as tf.Tensor2D, tf.argMax(masked, 1) as tf.Tensor2D, sq] as const;
      });
      maxes.push(m);
      args.push(a);
      if (s) squares.push(s);
    }
    const maxRaw = maxes.length === 1 ? maxes[0]! : tf.concat(maxes, 1);
    const result: MaxProjection = {
      maxLogits: tf.add(maxRaw, decoderBias) as tf.Tensor2D,
      argmax: tf.cast(args.length === 1 ? args[0]! : tf.concat(args, 1), 'int32') as tf.Tensor2D,
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
