import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../../errors.ts';
import type { MaskedLmModel, MlmModelInfo, PackedHidden, WeightMap } from '../types.ts';
import { MODERNBERT_ARCHITECTURE, type ModernBertConfig } from './config.ts';
import { modernBertHeadHidden, modernBertPackedHeadHidden } from './forward.ts';
import { paramTree, type ParamTree } from './param-tree.ts';
import { DECODER_BIAS, DECODER_WEIGHT, exportParam, loadParam, paramSpecs, type ParamSpec } from './params.ts';

/**
 * ModernBertForMaskedLM on tfjs. Linear weights are held transposed ([in, out]) so every product is a plain
 * 2-D matMul; `variables` holds them in that layout under their HF names, and `exportWeights()` turns them
 * back. While tied, the decoder weight is the embedding variable and appears once, as the embedding.
 */
export class ModernBertMaskedLm implements MaskedLmModel {
  readonly info: MlmModelInfo;
  readonly variables = new Map<string, tf.Variable>();
  readonly decoderBias: tf.Variable;
  private readonly specs: ParamSpec[];
  private readonly tree: ParamTree;
  private untiedDecoder: tf.Variable | undefined;
  private disposed = false;

  constructor(
    private readonly cfg: ModernBertConfig,
    weights: WeightMap,
    source: string,
  ) {
    this.specs = paramSpecs(cfg);
    const vocabHidden = [cfg.vocabSize, cfg.hiddenSize];
    // A checkpoint saved untied carries decoder.weight; a tied config ignores it, as HF re-ties on load.
    const untied = !cfg.tieWordEmbeddings;
    const decoderSpec: ParamSpec = { name: DECODER_WEIGHT, shape: vocabHidden, transposed: false };
    try {
      for (const spec of this.specs) this.variables.set(spec.name, loadParam(weights, spec, source));
      if (untied) this.untiedDecoder = loadParam(weights, decoderSpec, source);
    } catch (err) {
      for (const v of this.variables.values()) v.dispose();
      throw err;
    }
    if (this.untiedDecoder) this.variables.set(DECODER_WEIGHT, this.untiedDecoder);
    this.decoderBias = this.variables.get(DECODER_BIAS) ?? tf.variable(tf.zeros([cfg.vocabSize]), false);
    this.tree = paramTree(cfg, this.variables);
    this.info = {
      architecture: MODERNBERT_ARCHITECTURE,
      vocabSize: cfg.vocabSize,
      hiddenSize: cfg.hiddenSize,
      numLayers: cfg.numLayers,
      maxPositions: cfg.maxPositions,
      padTokenId: cfg.padTokenId,
      tied: !untied,
      rescaleK: 1,
    };
  }

  get decoderWeight(): tf.Variable {
    return this.untiedDecoder ?? this.tree.tokEmbeddings;
  }

  headHidden(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training = false): tf.Tensor3D {
    this.checkInputs(inputIds, attentionMask);
    return modernBertHeadHidden(this.cfg, this.tree, inputIds, attentionMask, training);
  }

  /** `headHidden` at the real tokens only, computed without work on padding (see modernBertPackedHeadHidden). */
  packedHeadHidden(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training = false): PackedHidden {
    this.checkInputs(inputIds, attentionMask);
    return modernBertPackedHeadHidden(this.cfg, this.tree, inputIds, attentionMask, training);
  }

  private checkInputs(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D): void {
    this.assertLive();
    if (inputIds.rank !== 2 || attentionMask.rank !== 2 || inputIds.shape.some((d, i) => d !== attentionMask.shape[i])) {
      throw new Error(
        `inputIds [${inputIds.shape.join(', ')}] and attentionMask [${attentionMask.shape.join(', ')}] must both be [batch, seq]`,
      );
    }
  }

  rescaleHead(k: number): void {
    this.assertLive();
    if (!Number.isFinite(k) || k <= 0) throw new InputError(`the rescale factor must be a positive number, got ${k}`, { field: 'k' });
    if (!this.untiedDecoder) {
      const copy = tf.tidy(() => tf.div(this.tree.tokEmbeddings, k));
      this.untiedDecoder = tf.variable(copy, true);
      copy.dispose();
      this.variables.set(DECODER_WEIGHT, this.untiedDecoder);
      this.info.tied = false;
    } else {
      const untied = this.untiedDecoder;
      tf.tidy(() => untied.assign(tf.div(untied, k)));
    }
    tf.tidy(() => this.decoderBias.assign(tf.div(this.decoderBias, k)));
    this.info.rescaleK *= k;
  }

  exportWeights(): WeightMap {
    this.assertLive();
    const out: WeightMap = new Map();
    for (const spec of this.specs) out.set(spec.name, exportParam(this.variables.get(spec.name)!, spec));
    if (this.untiedDecoder) {
      out.set(DECODER_WEIGHT, exportParam(this.untiedDecoder, { name: DECODER_WEIGHT, shape: [this.cfg.vocabSize, this.cfg.hiddenSize], transposed: false }));
    }
    return out;
  }

  exportConfig(): Record<string, unknown> {
    return {
      ...structuredClone(this.cfg.raw),
      architectures: [MODERNBERT_ARCHITECTURE],
      model_type: 'modernbert',
      tie_word_embeddings: this.info.tied,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.variables.values()) v.dispose();
    if (!this.cfg.decoderBias) this.decoderBias.dispose();
    this.variables.clear();
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('this ModernBERT model has been disposed');
  }
}

