import * as tf from '@tensorflow/tfjs-core';
import { CancelledError } from '../errors.ts';
import type { MaskedLmModel } from '../models/types.ts';
import { assertIdsInVocabulary, padRight } from '../tokenize/batch.ts';
import type { TextTokenizer } from '../tokenize/text-tokenizer.ts';
import { spladePool } from './pooling.ts';

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
  /** Bounds the [tokens × vocab-chunk] projection (see pooling). */
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

/** SPLADE vectors of one right-padded batch of token ids: forward, max-first pooling, sparse extraction. */
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
  let pooled: { weights: tf.Tensor2D; argmax: tf.Tensor2D } | undefined;
  try {
    const hidden = model.headHidden(ids, mask);
    try {
      pooled = spladePool(hidden, mask, model.decoderWeight as tf.Tensor2D, model.decoderBias as tf.Tensor1D, opts);
    } finally {
      hidden.dispose();
    }
    const [w, a] = await Promise.all([pooled.weights.data(), pooled.argmax.data()]);
    return sequences.map((_, b) => extractSparse(w as Float32Array, a as Int32Array, b, vocab));
  } finally {
    tf.dispose([ids, mask]);
    if (pooled) tf.dispose([pooled.weights, pooled.argmax]);
  }
}

/**
 * Encodes texts into SPLADE vectors in right-padded batches. Padding is masked out of attention and of the
 * max, so a text's vector does not depend on the texts that share its batch.
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
