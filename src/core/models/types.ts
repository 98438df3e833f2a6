import type * as tf from '@tensorflow/tfjs-core';
import type { PackedLayout } from '../tensor/packed.ts';

/** A float tensor read from a checkpoint, before it becomes a tfjs tensor. Data is float32 row-major. */
export interface RawTensor {
  shape: number[];
  data: Float32Array;
}

/** Checkpoint tensors by their Hugging Face name (e.g. `bert.encoder.layer.0.attention.self.query.weight`). */
export type WeightMap = Map<string, RawTensor>;

/** Architecture-independent facts every masked-LM model exposes (camelCase, converted by the loader). */
export interface MlmModelInfo {
  /** `BertForMaskedLM`, `DistilBertForMaskedLM`, `ModernBertForMaskedLM`. */
  architecture: string;
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  maxPositions: number;
  padTokenId: number;
  /** True when the decoder weight is the input embedding matrix (tied, as saved by HF). */
  tied: boolean;
  /** The MLM-head rescale factor applied so far (1 = as loaded). */
  rescaleK: number;
}

/** Hidden states of the real tokens only; the caller owns `rows`. */
export interface PackedHidden {
  rows: tf.Tensor2D;
  layout: PackedLayout;
}

/**
 * A masked-language model as a pipeline: encoder → MLM-head transform → decoder projection.
 * The decoder is kept separate so SPLADE pooling can take the max before the vocabulary bias (max-first).
 *
 * Ownership: every method returning a tensor hands it to the caller. Variables belong to the model and are
 * released by `dispose()`.
 */
export interface MaskedLmModel {
  readonly info: MlmModelInfo;
  /**
   * Hidden states after the MLM head's transform (dense → activation → norm), before the decoder:
   * [batch, seq, hidden]. `inputIds` and `attentionMask` are int32 [batch, seq], right-padded.
   */
  headHidden(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training?: boolean): tf.Tensor3D;
  /**
   * The same hidden states at the real tokens only, packed sequence after sequence ([tokens, hidden], rows
   * placed by `layout`), computed without spending work on padding. Optional: SPLADE training and pooling
   * use it when a model has it, `headHidden` otherwise.
   */
  packedHeadHidden?(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training?: boolean): PackedHidden;
  /** Decoder projection weight, [vocab, hidden] (the HF layout). */
  readonly decoderWeight: tf.Variable;
  /** Decoder bias, [vocab]. */
  readonly decoderBias: tf.Variable;
  /** Every trainable variable by its Hugging Face name (decoder included, once, under its untied name). */
  readonly variables: Map<string, tf.Variable>;
  /**
   * Unties the decoder from the input embeddings (copying it) and divides decoder weight and bias by k.
   * Input embeddings are unchanged. Cumulative: `info.rescaleK` multiplies by k.
   */
  rescaleHead(k: number): void;
  /** Current weights in Hugging Face naming and layout, for saving (`tied` decides if the decoder is written). */
  exportWeights(): WeightMap;
  /** The config.json content that goes with `exportWeights()`. */
  exportConfig(): Record<string, unknown>;
  dispose(): void;
}
