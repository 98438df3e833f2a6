import * as tf from '@tensorflow/tfjs-core';
import { gatherRows } from '../tensor/embedding-grad.ts';
import { readFloat32 } from '../tensor/heap-view.ts';
import { packedLayout, type PackedLayout } from '../tensor/packed.ts';
import { MaxFold, projectMax, projectMaxSupports, sparseBackward, type FoldSegment } from './head-kernels.ts';

/*
 * SPLADE pooling, max first. The SPLADE weight of vocabulary entry v is
 *   w[b, v] = max over non-padding tokens t of log1p(relu(x[b, t, v] + bias[v])),  x = hidden · decoderᵀ.
 * log1p and relu are monotone and the bias does not depend on t, so
 *   w[b, v] = log1p(relu(max_t x[b, t, v] + bias[v]))
 * exactly. The head gathers the real tokens of every sequence (padding never enters) and takes, for every
 * sequence and vocabulary entry, the max of the token rows' dot products with the decoder row and the token
 * attaining it, in one SIMD kernel that never writes a logit (projectMax; ~1.7× faster than a matMul plus a
 * pass over its output). Hidden sizes it does not take (not a multiple of 4) go through the decoder a chunk of
 * token rows at a time ([rows, H] · [H, V], a plain 2-D matMul) folded into a running max and argmax. Either
 * way [batch, tokens, vocab] is never held; bias and log1p(relu) then apply to [batch, vocab].
 *
 * Backward: with z = max_t x + bias and g = dw / (1 + z) where z > 0 (0 elsewhere), only the argmax token t*
 * of each non-zero entry receives gradient:
 *   dHidden[b, t*, :] += g · decoder[v, :],   dDecoder[v, :] += g · hidden[b, t*, :],   dBias[v] += g.
 * A sparse SIMD loop over the non-zero entries computes all three directly. When two tokens tie exactly for
 * the max, autograd of the naive formula splits the gradient between them; here the first takes it all.
 */

export interface MaxFirstOptions {
  /** Most elements in one chunk of logits [token rows, vocab] where logits are materialized. Default 8M (32 MB). */
  maxChunkElements?: number;
  /** No gradient bookkeeping: for encoding only. Default false. */
  inference?: boolean;
}

const DEFAULT_CHUNK = 8 * 1024 * 1024;

interface Pooled {
  /** Masked max of the raw projection, [batch × vocab]; −Infinity for a sequence with no tokens. */
  max: Float32Array;
  /** Packed token row of that max, [batch × vocab]; −1 when none. */
  arg: Int32Array;
}

/** Masked max and argmax over each sequence's packed token rows of rows · decoderᵀ. */
function poolRawProjection(rows: tf.Tensor2D, layout: PackedLayout, weight: tf.Tensor2D, options: MaxFirstOptions): Pooled {
  const [tokens, dim] = rows.shape;
  const vocab = weight.shape[0];
  if (projectMaxSupports(dim)) {
    const segments = layout.lengths.map((count, b) => ({ start: layout.offsets[b]!, count, out: b }));
    // The kernel copies both inputs into its own memory at once, before any tfjs call can move the heap.
    return projectMax(tokens > 0 ? readFloat32(rows) : new Float32Array(0), readFloat32(weight), vocab, dim, segments, layout.batch);
  }
  const fold = new MaxFold(vocab, layout.batch);
  if (tokens > 0) {
    const chunkRows = Math.max(1, Math.floor((options.maxChunkElements ?? DEFAULT_CHUNK) / vocab));
    const weightT = tf.transpose(weight);
    try {
      for (let r0 = 0; r0 < tokens; r0 += chunkRows) {
        const n = Math.min(chunkRows, tokens - r0);
        const segments: FoldSegment[] = [];
        layout.lengths.forEach((len, b) => {
          const start = layout.offsets[b]!;
          const lo = Math.max(start, r0);
          const hi = Math.min(start + len, r0 + n);
          if (hi > lo) segments.push({ start: lo - r0, count: hi - lo, out: b, init: lo === start });
        });
        const logits = tf.tidy(() => tf.matMul(n === tokens ? rows : tf.slice(rows, [r0, 0], [n, dim]), weightT));
        try {
          fold.add(readFloat32(logits), r0, segments);
        } finally {
          logits.dispose();
        }
      }
    } finally {
      weightT.dispose();
    }
  }
  return fold.result();
}

/** g = dy / (1 + z) where z > 0, in vocabulary-major order, with the token row each entry's max came from. */
function entryGradients(dy: Float32Array, z: Float32Array, arg: Int32Array, batch: number, vocab: number): { g: Float32Array; idx: Int32Array } {
  const g = new Float32Array(vocab * batch);
  const idx = new Int32Array(vocab * batch);
  for (let b = 0; b < batch; b++) {
    for (let v = 0; v < vocab; v++) {
      const i = b * vocab + v;
      const zi = z[i]!;
      if (!(zi > 0)) continue;
      const e = v * batch + b;
      g[e] = dy[i]! / (1 + zi);
      idx[e] = arg[i]!;
    }
  }
  return { g, idx };
}

/** The head on packed token rows [tokens, H]; differentiable with respect to rows, decoder weight and bias. */
function maxFirstPacked(
  rows: tf.Tensor2D,
  layout: PackedLayout,
  weight: tf.Tensor2D,
  bias: tf.Tensor1D,
  options: MaxFirstOptions,
): tf.Tensor2D {
  const { batch } = layout;
  const [vocab, dim] = weight.shape;
  const forward = (r: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): { pooled: Pooled; z: tf.Tensor2D } => {
    const pooled = poolRawProjection(r, layout, w, options);
    return { pooled, z: tf.tidy(() => tf.add(tf.tensor2d(pooled.max, [batch, vocab]), b)) };
  };
  if (options.inference) {
    const { z } = forward(rows, weight, bias);
    return tf.tidy(() => tf.log1p(tf.relu(z)));
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [r, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const { pooled, z: zTensor } = forward(r, w, b);
    const z = zTensor.dataSync() as Float32Array;
    save([r, w]);
    return {
      value: tf.log1p(tf.relu(zTensor)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const { g, idx } = entryGradients(dy.dataSync() as Float32Array, z, pooled.arg, batch, vocab);
        const [sr, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        const grads = sparseBackward({
          vocab,
          batch,
          hidden: dim,
          rows: readFloat32(sr),
          weight: readFloat32(sw),
          g,
          idx,
        });
        // The wasm backend copies into its heap at once; others keep the array, so they get a copy.
        const own = (a: Float32Array): Float32Array => (tf.getBackend() === 'wasm' ? a : a.slice());
        return [
          tf.tensor2d(own(grads.dRows), [sr.shape[0], dim]),
          tf.tensor2d(own(grads.dWeight), [vocab, dim]),
          tf.tensor1d(own(grads.dBias)),
        ];
      },
    };
  });
  return op(rows, weight, bias) as tf.Tensor2D;
}

/**
 * SPLADE representations [layout.batch, vocab] from packed hidden states of the real tokens ([tokens, hidden],
 * as `MaskedLmModel.packedHeadHidden` gives them), the decoder weight [vocab, hidden] and bias [vocab].
 * Differentiable with respect to the rows, decoder weight and bias. The caller owns the result.
 */
export function spladeMaxFirstPacked(
  rows: tf.Tensor2D,
  layout: PackedLayout,
  decoderWeight: tf.Tensor2D,
  decoderBias: tf.Tensor1D,
  options: MaxFirstOptions = {},
): tf.Tensor2D {
  if (decoderWeight.shape[1] !== rows.shape[1]) {
    throw new Error(`decoder weight is [${decoderWeight.shape}] but hidden size is ${rows.shape[1]}`);
  }
  if (rows.shape[0] !== layout.flat.length) throw new Error(`${rows.shape[0]} rows for a layout of ${layout.flat.length} tokens`);
  return maxFirstPacked(rows, layout, decoderWeight, decoderBias, options);
}

/** SPLADE weights of a batch for encoding, with where each weight's max came from. */
export interface PooledWeights {
  /** log1p(relu(max_t x + bias)), [batch × vocab]. */
  weights: Float32Array;
  /** The input position (layout column) of the token that gave each max, [batch × vocab]; −1 for an empty sequence. */
  positions: Int32Array;
}

/**
 * The max-first head for encoding only (no gradient): the same weights as `spladeMaxFirstPacked`, as plain
 * arrays, plus each entry's argmax position in its sequence.
 */
export function spladeMaxFirstPooled(
  rows: tf.Tensor2D,
  layout: PackedLayout,
  decoderWeight: tf.Tensor2D,
  decoderBias: tf.Tensor1D,
  options: Pick<MaxFirstOptions, 'maxChunkElements'> = {},
): PooledWeights {
  if (decoderWeight.shape[1] !== rows.shape[1]) {
    throw new Error(`decoder weight is [${decoderWeight.shape}] but hidden size is ${rows.shape[1]}`);
  }
  if (rows.shape[0] !== layout.flat.length) throw new Error(`${rows.shape[0]} rows for a layout of ${layout.flat.length} tokens`);
  const vocab = decoderWeight.shape[0];
  const pooled = poolRawProjection(rows, layout, decoderWeight, options);
  const w = tf.tidy(() => tf.log1p(tf.relu(tf.add(tf.tensor2d(pooled.max, [layout.batch, vocab]), decoderBias))));
  const weights = w.dataSync() as Float32Array;
  w.dispose();
  const positions = pooled.arg.map((r) => (r < 0 ? -1 : layout.columns[r]!));
  return { weights, positions };
}

/**
 * SPLADE representations [batch, vocab] from the MLM head's hidden states [batch, tokens, hidden], the
 * attention mask [batch, tokens] (non-zero = token), the decoder weight [vocab, hidden] and bias [vocab].
 * Differentiable with respect to hidden states, decoder weight and bias; the mask gets no gradient and
 * padding positions get a zero gradient. The caller owns the result.
 */
export function spladeMaxFirst(
  headHidden: tf.Tensor3D,
  attentionMask: tf.Tensor2D,
  decoderWeight: tf.Tensor2D,
  decoderBias: tf.Tensor1D,
  options: MaxFirstOptions = {},
): tf.Tensor2D {
  const [batch, tokens, dim] = headHidden.shape;
  if (decoderWeight.shape[1] !== dim) {
    throw new Error(`decoder weight is [${decoderWeight.shape}] but hidden size is ${dim}`);
  }
  if (attentionMask.shape[0] !== batch || attentionMask.shape[1] !== tokens) {
    throw new Error(`attention mask is [${attentionMask.shape}] but hidden states are [${headHidden.shape}]`);
  }
  const layout = packedLayout(attentionMask.dataSync(), batch, tokens);
  return tf.tidy(() => {
    const flat = tf.reshape(headHidden, [batch * tokens, dim]) as tf.Tensor2D;
    const rows = gatherRows(flat, tf.tensor1d(layout.flat, 'int32')) as tf.Tensor2D;
    return maxFirstPacked(rows, layout, decoderWeight, decoderBias, options);
  });
}
