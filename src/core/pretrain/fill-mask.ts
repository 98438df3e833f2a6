import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors.ts';
import type { MaskedLmModel } from '../models/types.ts';
import type { TextTokenizer } from '../tokenize/text-tokenizer.ts';

export interface TokenPrediction {
  token: string;
  id: number;
  /** Softmax over the whole vocabulary at that position. */
  probability: number;
}

export interface MaskPrediction {
  /** Index of the mask token among the text's tokens (special tokens included). */
  position: number;
  predictions: TokenPrediction[];
}

export interface FillMaskResult {
  text: string;
  tokens: string[];
  ids: number[];
  masks: MaskPrediction[];
}

/**
 * What a masked LM predicts at each mask token of each text: the `top` most probable vocabulary entries with
 * their softmax probabilities (the check of a pretrained or domain-adapted backbone that Hugging Face's
 * fill-mask pipeline gives). A text without the mask token is an input error naming it.
 */
export async function fillMask(
  model: MaskedLmModel,
  tokenizer: TextTokenizer,
  maskTokenId: number,
  texts: readonly string[],
  options: { top: number; maxLength?: number },
): Promise<FillMaskResult[]> {
  const encoded = await tokenizer.encodeBatch(texts, options.maxLength);
  const results: FillMaskResult[] = [];
  for (const [i, enc] of encoded.entries()) {
    const positions = enc.ids.flatMap((id, p) => (id === maskTokenId ? [p] : []));
    const maskText = tokenizer.idToToken(maskTokenId) ?? String(maskTokenId);
    if (positions.length === 0) throw new InputError(`text ${i + 1} has no ${maskText} token (after truncation to ${enc.ids.length} tokens)`, { field: 'text' });
    const { values, indices } = tf.tidy(() => {
      const n = enc.ids.length;
      const hidden = model.headHidden(tf.tensor2d(enc.ids, [1, n], 'int32'), tf.ones([1, n], 'int32') as tf.Tensor2D);
      const rows = tf.gather(tf.reshape(hidden, [n, hidden.shape[2]]), tf.tensor1d(positions, 'int32')) as tf.Tensor2D;
      const logits = tf.add(tf.matMul(rows, model.decoderWeight, false, true), model.decoderBias);
      return tf.topk(tf.softmax(logits), Math.min(options.top, model.decoderBias.shape[0]!));
    });
    const p = values.dataSync();
    const ids = indices.dataSync();
    tf.dispose([values, indices]);
    const k = p.length / positions.length;
    results.push({
      text: texts[i]!,
      tokens: enc.tokens,
      ids: enc.ids,
      masks: positions.map((position, m) => ({
        position,
        predictions: Array.from({ length: k }, (_, j) => {
          const id = ids[m * k + j]!;
          return { token: tokenizer.idToToken(id) ?? String(id), id, probability: p[m * k + j]! };
        }),
      })),
    });
  }
  return results;
}
