import * as tf from '@tensorflow/tfjs-core';
import { activationByName, additiveAttentionMask, maybeDropout, selfAttention, type Activation } from '../../tensor/nn.ts';
import { packedSelfAttention } from '../../tensor/attention.ts';
import { gatherRows } from '../../tensor/embedding-grad.ts';
import { packedLayout } from '../../tensor/packed.ts';
import type { PackedHidden } from '../types.ts';
import { applyDense as dense, applyNorm, linearAndNormLoaders, type Dense, type Norm } from '../linear-and-layer-norm.ts';
import { MaskedLmBase } from '../masked-lm-base.ts';
import type { CheckpointWeights } from '../weights.ts';
import type { BertConfig } from './config.ts';

interface BertLayer {
  query: Dense;
  key: Dense;
  value: Dense;
  attnOut: Dense;
  attnNorm: Norm;
  intermediate: Dense;
  output: Dense;
  outNorm: Norm;
}

/** Tensor names exactly as `BertForMaskedLM.save_pretrained` writes them. */
export const BERT_NAMES = {
  wordEmbeddings: 'bert.embeddings.word_embeddings.weight',
  positionEmbeddings: 'bert.embeddings.position_embeddings.weight',
  tokenTypeEmbeddings: 'bert.embeddings.token_type_embeddings.weight',
  embeddingsNorm: 'bert.embeddings.LayerNorm',
  layer: (i: number) => `bert.encoder.layer.${i}`,
  headDense: 'cls.predictions.transform.dense',
  headNorm: 'cls.predictions.transform.LayerNorm',
  decoderWeight: 'cls.predictions.decoder.weight',
  /** Saved name of the decoder bias; `cls.predictions.decoder.bias` is its tied alias (older files carry it). */
  decoderBias: 'cls.predictions.bias',
  decoderBiasAlias: 'cls.predictions.decoder.bias',
} as const;

/** BertForMaskedLM (post-LN encoder, absolute positions, token type 0), transformers' eager attention. */
export class BertMaskedLm extends MaskedLmBase {
  private readonly wordEmb: tf.Variable;
  private readonly posEmb: tf.Variable;
  private readonly typeEmb: tf.Variable;
  private readonly embNorm: Norm;
  private readonly layers: BertLayer[] = [];
  private readonly headDense: Dense;
  private readonly headNorm: Norm;
  private readonly act: Activation;

  constructor(
    readonly config: BertConfig,
    rawConfig: Record<string, unknown>,
    weights: CheckpointWeights,
    configFile: string,
  ) {
    const c = config;
    super(
      {
        architecture: 'BertForMaskedLM',
        vocabSize: c.vocabSize,
        hiddenSize: c.hiddenSize,
        numLayers: c.numHiddenLayers,
        maxPositions: c.maxPositionEmbeddings,
        padTokenId: c.padTokenId,
        tied: c.tieWordEmbeddings,
      },
      rawConfig,
      { embedding: BERT_NAMES.wordEmbeddings, decoderWeight: BERT_NAMES.decoderWeight, decoderBias: BERT_NAMES.decoderBias },
    );
    this.act = activationByName(c.hiddenAct, { file: configFile, field: 'hidden_act' });
    const H = c.hiddenSize;
    const p = this.params;
    try {
      const load = linearAndNormLoaders(p, weights, H);
      this.wordEmb = p.add(BERT_NAMES.wordEmbeddings, weights.take(BERT_NAMES.wordEmbeddings, [c.vocabSize, H]));
      this.posEmb = p.add(BERT_NAMES.positionEmbeddings, weights.take(BERT_NAMES.positionEmbeddings, [c.maxPositionEmbeddings, H]));
      this.typeEmb = p.add(BERT_NAMES.tokenTypeEmbeddings, weights.take(BERT_NAMES.tokenTypeEmbeddings, [c.typeVocabSize, H]));
      this.embNorm = load.norm(BERT_NAMES.embeddingsNorm);
      for (let i = 0; i < c.numHiddenLayers; i++) {
        const l = BERT_NAMES.layer(i);
        this.layers.push({
          query: load.dense(`${l}.attention.self.query`, H, H),
          key: load.dense(`${l}.attention.self.key`, H, H),
          value: load.dense(`${l}.attention.self.value`, H, H),
          attnOut: load.dense(`${l}.attention.output.dense`, H, H),
          attnNorm: load.norm(`${l}.attention.output.LayerNorm`),
          intermediate: load.dense(`${l}.intermediate.dense`, c.intermediateSize, H),
          output: load.dense(`${l}.output.dense`, H, c.intermediateSize),
          outNorm: load.norm(`${l}.output.LayerNorm`),
        });
      }
      this.headDense = load.dense(BERT_NAMES.headDense, H, H);
      this.headNorm = load.norm(BERT_NAMES.headNorm);
      this.loadDecoder(weights, this.wordEmb, [BERT_NAMES.decoderBiasAlias]);
    } catch (err) {
      this.params.dispose();
      throw err;
    }
  }

  headHidden(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training = false): tf.Tensor3D {
    const c = this.config;
    const [batch, seq] = inputIds.shape;
    this.checkSequenceLength(seq);
    const drop = training ? c.hiddenDropoutProb : 0;
    const norm = (x: tf.Tensor2D, n: Norm) => applyNorm(x, n, c.layerNormEps);
    return tf.tidy(() => {
      const ids = tf.reshape(tf.cast(inputIds, 'int32'), [batch * seq]) as tf.Tensor1D;
      const words = gatherRows(this.wordEmb as tf.Tensor2D, ids) as tf.Tensor2D;
      const positions = tf.slice(this.posEmb, [0, 0], [seq, c.hiddenSize]);
      const typeZero = tf.slice(this.typeEmb, [0, 0], [1, c.hiddenSize]);
      // (words + type 0) + positions, the order transformers adds them in.
      const summed = tf.reshape(
        tf.add(tf.reshape(tf.add(words, typeZero), [batch, seq, c.hiddenSize]), positions),
        [batch * seq, c.hiddenSize],
      ) as tf.Tensor2D;
      let x = maybeDropout(norm(summed, this.embNorm), drop, training);
      const mask = additiveAttentionMask(attentionMask);
      const shape = { batch, seq, heads: c.numAttentionHeads };
      for (const layer of this.layers) {
        const ctx = selfAttention(dense(x, layer.query), dense(x, layer.key), dense(x, layer.value), mask, shape, {
          dropout: training ? c.attentionProbsDropoutProb : 0,
        });
        const attn = norm(tf.add(maybeDropout(dense(ctx, layer.attnOut), drop, training), x), layer.attnNorm);
        const inner = this.act(dense(attn, layer.intermediate)) as tf.Tensor2D;
        x = norm(tf.add(maybeDropout(dense(inner, layer.output), drop, training), attn), layer.outNorm);
      }
      const head = norm(this.act(dense(x, this.headDense)) as tf.Tensor2D, this.headNorm);
      return tf.reshape(head, [batch, seq, c.hiddenSize]) as tf.Tensor3D;
    });
  }

  /**
   * The head's hidden states at the real tokens only: padding is dropped before the embeddings, every dense
   * layer runs on the packed tokens and attention runs per sequence over its own tokens (packedSelfAttention),
   * so no work goes to padding. Equal to `headHidden` at every real token (padding keys get exactly zero
   * weight there); dropout as in `headHidden` when training.
   */
  packedHeadHidden(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training = false): PackedHidden {
    const c = this.config;
    const [batch, seq] = inputIds.shape;
    this.checkSequenceLength(seq);
    const layout = packedLayout(attentionMask.dataSync(), batch, seq);
    const all = inputIds.dataSync();
    const ids = Int32Array.from(layout.flat, (i) => all[i]!);
    const drop = training ? c.hiddenDropoutProb : 0;
    const attentionDropout = { rate: training ? c.attentionProbsDropoutProb : 0 };
    const norm = (x: tf.Tensor2D, n: Norm) => applyNorm(x, n, c.layerNormEps);
    const rows = tf.tidy(() => {
      const words = gatherRows(this.wordEmb as tf.Tensor2D, tf.tensor1d(ids, 'int32')) as tf.Tensor2D;
      const positions = gatherRows(this.posEmb as tf.Tensor2D, tf.tensor1d(layout.columns, 'int32')) as tf.Tensor2D;
      const typeZero = tf.slice(this.typeEmb, [0, 0], [1, c.hiddenSize]);
      let x = maybeDropout(norm(tf.add(tf.add(words, typeZero), positions), this.embNorm), drop, training);
      for (const layer of this.layers) {
        const qkv = tf.concat([dense(x, layer.query), dense(x, layer.key), dense(x, layer.value)], 1) as tf.Tensor2D;
        const ctx = packedSelfAttention(qkv, layout, c.numAttentionHeads, attentionDropout);
        const attn = norm(tf.add(maybeDropout(dense(ctx, layer.attnOut), drop, training), x), layer.attnNorm);
        const inner = this.act(dense(attn, layer.intermediate)) as tf.Tensor2D;
        x = norm(tf.add(maybeDropout(dense(inner, layer.output), drop, training), attn), layer.outNorm);
      }
      return norm(this.act(dense(x, this.headDense)) as tf.Tensor2D, this.headNorm);
    });
    return { rows, layout };
  }
}
