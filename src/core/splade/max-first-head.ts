import * as tf from '@tensorflow/tfjs-core';

/*
 * SPLADE pooling, max first. The SPLADE weight of vocabulary entry v is
 *   w[b, v] = max over non-padding tokens t of log1p(relu(x[b, t, v] + bias[v])),  x = hidden · decoderᵀ.
 * log1p and relu are monotone and the bias does not depend on t, so
 *   w[b, v] = log1p(relu(max_t x[b, t, v] + bias[v]))
 * exactly. The head therefore takes the masked max (and argmax) of the raw projection one chunk at a time,
 * never holding [batch, tokens, vocab], and applies bias and log1p(relu) to [batch, vocab].
 *
 * Backward: with z = max_t x + bias and g = dw / (1 + z) where z > 0 (0 elsewhere), only the argmax token t*
 * of each non-zero entry receives gradient:
 *   dHidden[b, t*, :] += g · decoder[v, :],   dDecoder[v, :] += g · hidden[b, t*, :],   dBias[v] += g.
 * A sparse loop in JS over the non-zero entries computes all three directly. When two tokens tie exactly
 * for the max, autograd of the naive formula splits the gradient between them; here the first takes it all.
 */

export interface MaxFirstOptions {
  /** Most elements in one chunk of logits [vocab rows, tokens of one sequence]. Default 8M (32 MB). */
  maxChunkElements?: number;
  /** Skip the argmax (and the gradient bookkeeping): for encoding only. Default false. */
  inference?: boolean;
}

const DEFAULT_CHUNK = 8 * 1024 * 1024;

interface Pooled {
  /** Masked max of the raw projection, [batch × vocab]; -Infinity for a sequence with no tokens. */
  max: Float32Array;
  /** Token position (within the sequence) of that max, [batch × vocab]; -1 when none. */
  argmax: Int32Array;
}

function validPositions(mask: Int32Array | Float32Array | Uint8Array, b: number, tokens: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < tokens; t++) if (mask[b * tokens + t] !== 0) out.push(b * tokens + t);
  return out;
}

/** Masked max and argmax over tokens of hidden · decoderᵀ, per sequence and vocabulary chunk. */
function poolRawProjection(
  hidden: tf.Tensor3D,
  mask: tf.Tensor2D,
  weight: tf.Tensor2D,
  options: MaxFirstOptions,
): Pooled {
  const [batch, tokens, dim] = hidden.shape;
  const vocab = weight.shape[0];
  const maskData = mask.dataSync() as Int32Array | Float32Array | Uint8Array;
  const max = new Float32Array(batch * vocab).fill(-Infinity);
  const argmax = new Int32Array(batch * vocab).fill(-1);
  const limit = options.maxChunkElements ?? DEFAULT_CHUNK;
  const flat = tf.reshape(hidden, [batch * tokens, dim]) as tf.Tensor2D;
  for (let b = 0; b < batch; b++) {
    const positions = validPositions(maskData, b, tokens);
    if (positions.length === 0) continue;
    const rowsT = tf.tidy(() => tf.transpose(tf.gather(flat, tf.tensor1d(positions, 'int32')))) as tf.Tensor2D;
    const chunkRows = Math.max(1, Math.floor(limit / positions.length));
    for (let v0 = 0; v0 < vocab; v0 += chunkRows) {
      const n = Math.min(chunkRows, vocab - v0);
      const [mx, am] = tf.tidy(() => {
        const w = n === vocab ? weight : tf.slice(weight, [v0, 0], [n, dim]);
        // [n, H] · [H, L]: a plain 2-D product, the wasm backend's fast path.
        const logits = tf.matMul(w, rowsT);
        return options.inference ? [tf.max(logits, 1)] : [tf.max(logits, 1), tf.argMax(logits, 1)];
      });
      max.set(mx!.dataSync() as Float32Array, b * vocab + v0);
      if (am) {
        const idx = am.dataSync() as Int32Array;
        const base = b * vocab + v0;
        for (let i = 0; i < n; i++) argmax[base + i] = positions[idx[i]] - b * tokens;
      }
      tf.dispose([mx!, am].filter((t): t is tf.Tensor => t !== undefined));
    }
    rowsT.dispose();
  }
  flat.dispose();
  return { max, argmax };
}

/** The sparse backward: gradients for hidden [B,T,H], decoder weight [V,H] and bias [V]. */
function sparseBackward(
  dy: Float32Array,
  z: Float32Array,
  argmax: Int32Array,
  hidden: Float32Array,
  weight: Float32Array,
  shape: { batch: number; tokens: number; dim: number; vocab: number },
): { dHidden: Float32Array; dWeight: Float32Array; dBias: Float32Array } {
  const { batch, tokens, dim, vocab } = shape;
  const dHidden = new Float32Array(batch * tokens * dim);
  const dWeight = new Float32Array(vocab * dim);
  const dBias = new Float32Array(vocab);
  for (let b = 0; b < batch; b++) {
    for (let v = 0; v < vocab; v++) {
      const i = b * vocab + v;
      const zi = z[i];
      if (!(zi > 0)) continue;
      const g = dy[i] / (1 + zi);
      if (g === 0) continue;
      dBias[v] += g;
      const h0 = (b * tokens + argmax[i]) * dim;
      const w0 = v * dim;
      for (let k = 0; k < dim; k++) {
        dHidden[h0 + k] += g * weight[w0 + k];
        dWeight[w0 + k] += g * hidden[h0 + k];
      }
    }
  }
  return { dHidden, dWeight, dBias };
}

/**
 * SPLADE representations [batch, vocab] from the MLM head's hidden states [batch, tokens, hidden], the
 * attention mask [batch, tokens] (non-zero = token), the decoder weight [vocab, hidden] and bias [vocab].
 * Differentiable with respect to hidden states, decoder weight and bias (a `customGrad`); the mask gets no
 * gradient. The caller owns the result.
 */
export function spladeMaxFirst(
  headHidden: tf.Tensor3D,
  attentionMask: tf.Tensor2D,
  decoderWeight: tf.Tensor2D,
  decoderBias: tf.Tensor1D,
  options: MaxFirstOptions = {},
): tf.Tensor2D {
  const [batch, tokens, dim] = headHidden.shape;
  const vocab = decoderWeight.shape[0];
  if (decoderWeight.shape[1] !== dim) {
    throw new Error(`decoder weight is [${decoderWeight.shape}] but hidden size is ${dim}`);
  }
  if (attentionMask.shape[0] !== batch || attentionMask.shape[1] !== tokens) {
    throw new Error(`attention mask is [${attentionMask.shape}] but hidden states are [${headHidden.shape}]`);
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [h, w, bias, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const pooled = poolRawProjection(h as tf.Tensor3D, attentionMask, w as tf.Tensor2D, options);
    const zTensor = tf.add(tf.tensor2d(pooled.max, [batch, vocab]), bias);
    const z = zTensor.dataSync() as Float32Array;
    save([h, w]);
    return {
      value: tf.log1p(tf.relu(zTensor)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        if (options.inference) throw new Error('spladeMaxFirst was called with inference: true; no gradient');
        const grads = sparseBackward(
          dy.dataSync() as Float32Array,
          z,
          pooled.argmax,
          saved[0]!.dataSync() as Float32Array,
          saved[1]!.dataSync() as Float32Array,
          { batch, tokens, dim, vocab },
        );
        return [
          tf.tensor3d(grads.dHidden, [batch, tokens, dim]),
          tf.tensor2d(grads.dWeight, [vocab, dim]),
          tf.tensor1d(grads.dBias),
        ];
      },
    };
  });
  return op(headHidden, decoderWeight, decoderBias) as tf.Tensor2D;
}
