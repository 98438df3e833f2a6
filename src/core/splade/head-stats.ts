import type { HeadStatsValues } from '../../shared/contract.ts';
import * as tf from '@tensorflow/tfjs-core';
import { CancelledError } from '../errors.ts';
import type { MaskedLmModel } from '../models/types.ts';
import { assertIdsInVocabulary, padRight } from '../tokenize/batch.ts';
import type { TextTokenizer } from '../tokenize/text-tokenizer.ts';
import { defaultMaxLength } from './encoder.ts';
import { maxProjection } from './pooling.ts';
import { validateRescaleK } from './rescale.ts';

/** Texts used when the user gives none: short queries and passages of the kind SPLADE is trained on. */
export const SAMPLE_TEXTS: readonly string[] = [
  'what is the boiling point of water at high altitude',
  'Water boils at a lower temperature at high altitude because the air pressure is lower.',
  'how do vaccines train the immune system',
  'Vaccines expose the immune system to a harmless piece of a pathogen so that it learns to recognize it.',
  'symptoms of vitamin d deficiency',
  'The Treaty of Westphalia ended the Thirty Years War in 1648 and reshaped the map of Europe.',
  'best way to learn a second language as an adult',
  'Photosynthesis converts light energy into chemical energy stored in glucose.',
];

/** One k's diagnostics, under the contract's field names (declared once, in the API contract). */
export type HeadStatsForK = HeadStatsValues;

export interface HeadStats {
  architecture: string;
  vocab_size: number;
  tied: boolean;
  texts: number;
  tokens: number;
  max_length: number;
  /**
   * Mean cosine similarity of two different decoder rows (k-invariant). Near 0 for isotropic rows; large
   * when rarely predicted tokens' rows have drifted along one shared direction (representation degeneration),
   * the rows SPLADE fine-tuning then tends to recruit as meaningless expansion terms. Null with < 2 non-zero rows.
   */
  decoder_rows_mean_cosine: number | null;
  by_k: Record<string, HeadStatsForK>;
}

export interface HeadStatsOptions {
  maxLength?: number;
  batchSize?: number;
  chunkElements?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

interface PositiveMaxes {
  ids: Int32Array;
  maxes: Float32Array;
}

/** A SPLADE vector as increasing term ids and their weights (all > 0), with the logits (÷ k) behind them. */
export interface SparseWeights {
  ids: Int32Array;
  weights: Float64Array;
  logits: Float64Array;
}

function positiveEntries(row: Float32Array): PositiveMaxes {
  let n = 0;
  for (let j = 0; j < row.length; j++) if (row[j]! > 0) n++;
  const ids = new Int32Array(n);
  const maxes = new Float32Array(n);
  let i = 0;
  for (let j = 0; j < row.length; j++) {
    if (row[j]! > 0) {
      ids[i] = j;
      maxes[i++] = row[j]!;
    }
  }
  return { ids, maxes };
}

function spladeWeightsAtK(row: PositiveMaxes, k: number): SparseWeights {
  const ids: number[] = [];
  const weights: number[] = [];
  const logits: number[] = [];
  for (let i = 0; i < row.ids.length; i++) {
    // The rescaled model computes logits in float32; so does this division.
    const w = Math.log1p(Math.fround(row.maxes[i]! / k));
    if (w > 0) {
      ids.push(row.ids[i]!);
      weights.push(w);
      logits.push(row.maxes[i]! / k);
    }
  }
  return { ids: Int32Array.from(ids), weights: Float64Array.from(weights), logits: Float64Array.from(logits) };
}

function sparseDot(a: SparseWeights, b: SparseWeights): number {
  let i = 0;
  let j = 0;
  let dot = 0;
  while (i < a.ids.length && j < b.ids.length) {
    const x = a.ids[i]!;
    const y = b.ids[j]!;
    if (x === y) dot += a.weights[i++]! * b.weights[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return dot;
}

/** Mean cosine over the pairs of non-empty vectors; null with fewer than two of them. */
export function meanPairwiseCosine(vectors: readonly SparseWeights[]): number | null {
  const live = vectors.filter((v) => v.ids.length > 0);
  if (live.length < 2) return null;
  const norms = live.map((v) => Math.sqrt(sparseDot(v, v)));
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < live.length; a++) {
    for (let b = a + 1; b < live.length; b++) {
      sum += sparseDot(live[a]!, live[b]!) / (norms[a]! * norms[b]!);
      pairs++;
    }
  }
  return sum / pairs;
}

/**
 * Mean cosine over the pairs of different non-zero rows of a row-major [rows, cols] matrix, exactly and in
 * one pass: with u_j the unit rows and s = Σ u_j, Σ_{i≠j} u_i·u_j = |s|² − n.
 */
export function meanPairwiseRowCosine(W: Float32Array, rows: number, cols: number): number | null {
  const s = new Float64Array(cols);
  let n = 0;
  for (let j = 0; j < rows; j++) {
    const row = W.subarray(j * cols, (j + 1) * cols);
    const norm = l2(row);
    if (norm === 0) continue;
    for (let c = 0; c < cols; c++) s[c]! += row[c]! / norm;
    n++;
  }
  if (n < 2) return null;
  let sq = 0;
  for (let c = 0; c < cols; c++) sq += s[c]! * s[c]!;
  return (sq - n) / (n * (n - 1));
}

function l2(data: Float32Array): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i]! * data[i]!;
  return Math.sqrt(s);
}

/**
 * Head-scale diagnostics of the model as loaded, for each k. Dividing decoder weight and bias by k divides
 * every logit by k, so one pass over the texts gives all k: norms scale by 1/k, the max logit of each
 * vocabulary entry by 1/k, and the SPLADE weight is log(1 + relu(max/k)).
 */
export async function computeHeadStats(
  model: MaskedLmModel,
  tokenizer: TextTokenizer,
  ks: readonly number[],
  texts: readonly string[],
  opts: HeadStatsOptions = {},
): Promise<HeadStats> {
  for (const k of ks) validateRescaleK(k);
  const W = (await model.decoderWeight.data()) as Float32Array;
  const b = (await model.decoderBias.data()) as Float32Array;
  const { vocabSize: V, hiddenSize: H } = model.info;
  let rowNormSum = 0;
  for (let j = 0; j < V; j++) rowNormSum += l2(W.subarray(j * H, (j + 1) * H));
  const frob = l2(W);
  const biasNorm = l2(b);
  const rowCosine = meanPairwiseRowCosine(W, V, H);

  const maxLength = Math.min(opts.maxLength ?? defaultMaxLength(model.info, tokenizer), model.info.maxPositions);
  const batchSize = opts.batchSize ?? 16;
  let tokens = 0;
  let logitNormSum = 0;
  /** Per text, the vocabulary entries whose max logit (bias included) is > 0, and those maxes. */
  const positiveMaxes: PositiveMaxes[] = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    if (opts.signal?.aborted) throw new CancelledError();
    const encoded = await tokenizer.encodeBatch(texts.slice(start, start + batchSize), maxLength);
    assertIdsInVocabulary(
      encoded.map((e) => e.ids),
      V,
      tokenizer.source,
    );
    const padded = padRight(
      encoded.map((e) => e.ids),
      tokenizer.padId,
    );
    const ids = tf.tensor2d(padded.ids, [padded.batch, padded.seq], 'int32');
    const mask = tf.tensor2d(padded.mask, [padded.batch, padded.seq], 'int32');
    const hidden = model.headHidden(ids, mask);
    const proj = maxProjection(hidden, mask, model.decoderWeight as tf.Tensor2D, model.decoderBias as tf.Tensor1D, {
      withSquares: true,
      chunkElements: opts.chunkElements,
    });
    const [maxData, sq] = await Promise.all([proj.maxLogits.data() as Promise<Float32Array>, proj.sumSquares!.data() as Promise<Float32Array>]);
    tf.dispose([ids, mask, hidden, proj.maxLogits, proj.argmax, proj.sumSquares!]);
    for (let r = 0; r < padded.batch; r++) {
      for (let t = 0; t < padded.lengths[r]!; t++) logitNormSum += Math.sqrt(sq[r * padded.seq + t]!);
      tokens += padded.lengths[r]!;
      positiveMaxes.push(positiveEntries(maxData.subarray(r * V, (r + 1) * V)));
    }
    opts.onProgress?.(Math.min(start + batchSize, texts.length), texts.length);
  }

  const byK: Record<string, HeadStatsForK> = {};
  const nTexts = Math.max(1, positiveMaxes.length);
  for (const k of ks) {
    let nnz = 0;
    let sum = 0;
    let max = 0;
    let maxLogitSum = 0;
    const vectors: SparseWeights[] = [];
    for (const row of positiveMaxes) {
      const vector = spladeWeightsAtK(row, k);
      vectors.push(vector);
      for (let i = 0; i < vector.weights.length; i++) {
        const w = vector.weights[i]!;
        nnz++;
        sum += w;
        if (w > max) max = w;
        maxLogitSum += vector.logits[i]!;
      }
    }
    byK[String(k)] = {
      decoder_weight_frobenius_norm: frob / k,
      decoder_weight_mean_row_l2_norm: rowNormSum / V / k,
      decoder_bias_l2_norm: biasNorm / k,
      logits_l2_mean: tokens > 0 ? logitNormSum / tokens / k : 0,
      splade_nnz_mean: nnz / nTexts,
      splade_weight_mean: nnz > 0 ? sum / nnz : 0,
      splade_weight_max: max,
      splade_l1_mean: sum / nTexts,
      logits_max_mean: nnz > 0 ? maxLogitSum / nnz : 0,
      splade_cosine_mean: meanPairwiseCosine(vectors),
    };
  }
  return {
    architecture: model.info.architecture,
    vocab_size: V,
    tied: model.info.tied,
    texts: texts.length,
    tokens,
    max_length: maxLength,
    decoder_rows_mean_cosine: rowCosine,
    by_k: byK,
  };
}
