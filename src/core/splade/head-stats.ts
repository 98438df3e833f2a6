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

/** Field names as the contract writes them. */
export interface HeadStatsForK {
  decoder_weight_frobenius_norm: number;
  decoder_weight_mean_row_l2_norm: number;
  decoder_bias_l2_norm: number;
  /** Mean over non-padding tokens of ‖logits‖₂. */
  logits_l2_mean: number;
  /** Mean number of vocabulary entries with SPLADE weight > 0 per text. */
  splade_nnz_mean: number;
  /** Mean SPLADE weight over the non-zero entries of all texts. */
  splade_weight_mean: number;
  splade_weight_max: number;
  /** Mean over texts of Σ_j w_j (the L1 norm of the SPLADE vector). */
  splade_l1_mean: number;
  /** Mean, over the non-zero entries, of the max logit (bias included) that produced them. */
  logits_max_mean: number;
}

export interface HeadStats {
  architecture: string;
  vocab_size: number;
  tied: boolean;
  texts: number;
  tokens: number;
  max_length: number;
  by_k: Record<string, HeadStatsForK>;
}

export interface HeadStatsOptions {
  maxLength?: number;
  batchSize?: number;
  chunkElements?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
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

  const maxLength = Math.min(opts.maxLength ?? defaultMaxLength(model.info, tokenizer), model.info.maxPositions);
  const batchSize = opts.batchSize ?? 16;
  let tokens = 0;
  let logitNormSum = 0;
  /** Per text, the max logit of each vocabulary entry (bias included), for the entries where it is > 0. */
  const positiveMaxes: Float32Array[] = [];
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
      const row = maxData.subarray(r * V, (r + 1) * V);
      positiveMaxes.push(row.filter((v) => v > 0));
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
    for (const row of positiveMaxes) {
      for (let i = 0; i < row.length; i++) {
        // The rescaled model computes logits in float32; so does this division.
        const w = Math.log1p(Math.fround(row[i]! / k));
        if (w > 0) {
          nnz++;
          sum += w;
          if (w > max) max = w;
          maxLogitSum += row[i]! / k;
        }
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
    };
  }
  return {
    architecture: model.info.architecture,
    vocab_size: V,
    tied: model.info.tied,
    texts: texts.length,
    tokens,
    max_length: maxLength,
    by_k: byK,
  };
}
