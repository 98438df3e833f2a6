import * as tf from '@tensorflow/tfjs-core';
import { CancelledError } from '../errors.ts';
import type { MaskedLmModel } from '../models/types.ts';
import { gatherRows } from '../tensor/embedding-grad.ts';
import { packedLayout } from '../tensor/packed.ts';
import { assertIdsInVocabulary, padRight } from '../tokenize/batch.ts';
import type { TextTokenizer } from '../tokenize/text-tokenizer.ts';
import { spladeMaxFirstPooled } from './max-first-head.ts';
import type { PackedHidden } from '../models/types.ts';

/** A SPLADE vector: the vocabulary entries with weight > 0, in increasing term id. */
export interface SparseVector {
  termIds: Int32Array;
  weights: Float32Array;
  /** For each term, the position (in the model's input tokens) of the token whose logit gave the max. */
  positions: Int32Array;
}

export type TextKind = 'query' | 'document';

export interface SpladeEncoderOptions {
  /** Texts per forward pass (default 32). */
  batchSize?: number;
  /** Token limits, special tokens included; default: the model's and tokenizer's limit. */
  queryMaxLength?: number;
  documentMaxLength?: number;
  /** Most elements in one chunk of logits [token rows, vocab] (see the max-first head). */
  chunkElements?: number;
}

export interface TextItem {
  id: string;
  text: string;
}

export interface EncodedItem {
  id: string;
  vector: SparseVector;
  /** The ids the model received (special tokens included). */
  inputIds: number[];
}

export interface EncodeProgress {
  done: number;
}

export interface StreamOptions {
  onProgress?: (p: EncodeProgress) => void;
  signal?: AbortSignal;
}

/** The longest input both the model and the tokenizer accept. */
export function defaultMaxLength(model: { maxPositions: number }, tokenizer: Pick<TextTokenizer, 'modelMaxLength'>): number {
  return Math.min(model.maxPositions, tokenizer.modelMaxLength ?? Infinity);
}

function extractSparse(weights: Float32Array, argmax: Int32Array, row: number, vocab: number): SparseVector {
  const base = row * vocab;
  let nnz = 0;
  for (let j = 0; j < vocab; j++) if (weights[base + j]! > 0) nnz++;
  const termIds = new Int32Array(nnz);
  const w = new Float32Array(nnz);
  const positions = new Int32Array(nnz);
  let k = 0;
  for (let j = 0; j < vocab; j++) {
    const v = weights[base + j]!;
    if (v > 0) {
      termIds[k] = j;
      w[k] = v;
      positions[k] = argmax[base + j]!;
      k++;
    }
  }
  return { termIds, weights: w, positions };
}

/** The head's hidden states at the real tokens: the model's packed path, else its padded one gathered. */
function realTokenHidden(model: MaskedLmModel, ids: tf.Tensor2D, mask: tf.Tensor2D, maskData: Int32Array): PackedHidden {
  if (model.packedHeadHidden) return model.packedHeadHidden(ids, mask);
  const [batch, seq] = ids.shape;
  const layout = packedLayout(maskData, batch, seq);
  const rows = tf.tidy(() => {
    const hidden = model.headHidden(ids, mask);
    const flat = tf.reshape(hidden, [batch * seq, model.info.hiddenSize]) as tf.Tensor2D;
    return gatherRows(flat, tf.tensor1d(layout.flat, 'int32')) as tf.Tensor2D;
  });
  return { rows, layout };
}

/**
 * SPLADE vectors of one batch of token ids: forward over the real tokens (the packed path where the model has
 * one), the max-first head (the one training uses), sparse extraction. Padding never enters attention or the
 * max, so a text's vector does not depend on the texts that share its batch.
 */
export async function encodeTokenBatch(
  model: MaskedLmModel,
  sequences: readonly (readonly number[])[],
  padId: number,
  opts: { chunkElements?: number } = {},
): Promise<SparseVector[]> {
  if (sequences.length === 0) return [];
  const padded = padRight(sequences, padId);
  const vocab = model.info.vocabSize;
  const ids = tf.tensor2d(padded.ids, [padded.batch, padded.seq], 'int32');
  const mask = tf.tensor2d(padded.mask, [padded.batch, padded.seq], 'int32');
  try {
    const { rows, layout } = realTokenHidden(model, ids, mask, padded.mask);
    try {
      const pooled = spladeMaxFirstPooled(rows, layout, model.decoderWeight as tf.Tensor2D, model.decoderBias as tf.Tensor1D, {
        maxChunkElements: opts.chunkElements,
      });
      return sequences.map((_, b) => extractSparse(pooled.weights, pooled.positions, b, vocab));
    } finally {
      rows.dispose();
    }
  } finally {
    tf.dispose([ids, mask]);
  }
}

/**
 * Encodes texts into SPLADE vectors in batches of similar length (see encodeStream), each through
 * `encodeTokenBatch`.
 */
export class SpladeEncoder {
  readonly batchSize: number;
  readonly queryMaxLength: number;
  readonly documentMaxLength: number;

  constructor(
    readonly model: MaskedLmModel,
    readonly tokenizer: TextTokenizer,
    private readonly opts: SpladeEncoderOptions = {},
  ) {
    const limit = defaultMaxLength(model.info, tokenizer);
    this.batchSize = opts.batchSize ?? 32;
    this.queryMaxLength = Math.min(opts.queryMaxLength ?? limit, model.info.maxPositions);
    this.documentMaxLength = Math.min(opts.documentMaxLength ?? limit, model.info.maxPositions);
  }

  maxLength(kind: TextKind): number {
    return kind === 'query' ? this.queryMaxLength : this.documentMaxLength;
  }

  /** One forward pass over already tokenized inputs (each at most the model's max positions). */
  encodeIds(sequences: readonly (readonly number[])[]): Promise<SparseVector[]> {
    return encodeTokenBatch(this.model, sequences, this.tokenizer.padId, { chunkElements: this.opts.chunkElements });
  }

  /** Encodes a list of texts (order kept). */
  async encodeTexts(texts: readonly string[], kind: TextKind, opts: StreamOptions = {}): Promise<SparseVector[]> {
    const out: SparseVector[] = [];
    const items = texts.map((text, i) => ({ id: String(i), text }));
    for await (const item of this.encodeStream(items, kind, opts)) out.push(item.vector);
    return out;
  }

  /**
   * Streams texts through the model and yields their vectors in input order. Texts are read a window at a
   * time; inside a window they are grouped by length so that batches carry little padding.
   */
  async *encodeStream(items: AsyncIterable<TextItem> | Iterable<TextItem>, kind: TextKind, opts: StreamOptions = {}): AsyncGenerator<EncodedItem> {
    const window = this.batchSize * 8;
    let pending: TextItem[] = [];
    let done = 0;
    const flush = async function* (this: SpladeEncoder, group: TextItem[]): AsyncGenerator<EncodedItem> {
      const encoded = await this.tokenizer.encodeBatch(
        group.map((g) => g.text),
        this.maxLength(kind),
      );
      assertIdsInVocabulary(
        encoded.map((e) => e.ids),
        this.model.info.vocabSize,
        this.tokenizer.source,
      );
      const order = group.map((_, i) => i).sort((a, b) => encoded[b]!.ids.length - encoded[a]!.ids.length || a - b);
      const vectors = new Array<SparseVector>(group.length);
      for (let s = 0; s < order.length; s += this.batchSize) {
        if (opts.signal?.aborted) throw new CancelledError();
        const idx = order.slice(s, s + this.batchSize);
        const result = await this.encodeIds(idx.map((i) => encoded[i]!.ids));
        idx.forEach((i, r) => (vectors[i] = result[r]!));
        done += idx.length;
        opts.onProgress?.({ done });
      }
      for (let i = 0; i < group.length; i++) yield { id: group[i]!.id, vector: vectors[i]!, inputIds: encoded[i]!.ids };
    };
    for await (const item of items) {
      pending.push(item);
      if (pending.length >= window) {
        yield* flush.call(this, pending);
        pending = [];
      }
    }
    if (pending.length > 0) yield* flush.call(this, pending);
  }
}
