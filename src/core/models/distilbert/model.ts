import * as tf from '@tensorflow/tfjs-core';
import { activationByName, additiveAttentionMask, maybeDropout, selfAttention, type Activation } from '../../tensor/nn.ts';
import { gatherRows } from '../../tensor/embedding-grad.ts';
import { applyDense as dense, applyNorm, linearAndNormLoaders, type Dense, type Norm } from '../linear-and-layer-norm.ts';
import { MaskedLmBase } from '../masked-lm-base.ts';
import type { CheckpointWeights } from '../weights.ts';
import { DISTILBERT_LAYER_NORM_EPS, type DistilBertConfig } from './config.ts';

interface DistilLayer {
  q: Dense;
  k: Dense;
  v: Dense;
  out: Dense;
  saNorm: Norm;
  lin1: Dense;
  lin2: Dense;
  outNorm: Norm;
}

/** Tensor names exactly as `DistilBertForMaskedLM.save_pretrained` writes them. */
export const DISTILBERT_NAMES = {
  wordEmbeddings: 'distilbert.embeddings.word_embeddings.weight',
  positionEmbeddings: 'distilbert.embeddings.position_embeddings.weight',
  embeddingsNorm: 'distilbert.embeddings.LayerNorm',
  layer: (i: number) => `distilbert.transformer.layer.${i}`,
  vocabTransform: 'vocab_transform',
  vocabLayerNorm: 'vocab_layer_norm',
  decoderWeight: 'vocab_projector.weight',
  decoderBias: 'vocab_projector.bias',
} as const;

/** DistilBertForMaskedLM: word + position embeddings, post-LN blocks, q scaled before q·kᵀ. */
export class DistilBertMaskedLm extends MaskedLmBase {
  private readonly wordEmb: tf.Variable;
  private readonly posEmb: tf.Variable;
  private readonly embNorm: Norm;
  private readonly layers: DistilLayer[] = [];
  private readonly vocabTransform: Dense;
  private readonly vocabNorm: Norm;
  private readonly act: Activation;

  constructor(
    readonly config: DistilBertConfig,
    rawConfig: Record<string, unknown>,
    weights: CheckpointWeights,
    configFile: string,
  ) {
    const c = config;
    super(
      {
        architecture: 'DistilBertForMaskedLM',
        vocabSize: c.vocabSize,
        hiddenSize: c.dim,
        numLayers: c.nLayers,
        maxPositions: c.maxPositionEmbeddings,
        padTokenId: c.padTokenId,
        tied: c.tieWordEmbeddings,
      },
      rawConfig,
      {
        embedding: DISTILBERT_NAMES.wordEmbeddings,
        decoderWeight: DISTILBERT_NAMES.decoderWeight,
        decoderBias: DISTILBERT_NAMES.decoderBias,
      },
    );
    this.act = activationByName(c.activation, { file: configFile, field: 'activation' });
    const D = c.dim;
    const p = this.params;
    try {
      const load = linearAndNormLoaders(p, weights, D);
      this.wordEmb = p.add(DISTILBERT_NAMES.wordEmbeddings, weights.take(DISTILBERT_NAMES.wordEmbeddings, [c.vocabSize, D]));
      this.posEmb = p.add(
        DISTILBERT_NAMES.positionEmbeddings,
        weights.take(DISTILBERT_NAMES.positionEmbeddings, [c.maxPositionEmbeddings, D]),
      );
      this.embNorm = load.norm(DISTILBERT_NAMES.embeddingsNorm);
      for (let i = 0; i < c.nLayers; i++) {
        const l = DISTILBERT_NAMES.layer(i);
        this.layers.push({
          q: load.dense(`${l}.attention.q_lin`, D, D),
          k: load.dense(`${l}.attention.k_lin`, D, D),
          v: load.dense(`${l}.attention.v_lin`, D, D),
          out: load.dense(`${l}.attention.out_lin`, D, D),
          saNorm: load.norm(`${l}.sa_layer_norm`),
          lin1: load.dense(`${l}.ffn.lin1`, c.hiddenDim, D),
          lin2: load.dense(`${l}.ffn.lin2`, D, c.hiddenDim),
          outNorm: load.norm(`${l}.output_layer_norm`),
        });
      }
      this.vocabTransform = load.dense(DISTILBERT_NAMES.vocabTransform, D, D);
      this.vocabNorm = load.norm(DISTILBERT_NAMES.vocabLayerNorm);
      this.loadDecoder(weights, this.wordEmb);
    } catch (err) {
      this.params.dispose();
      throw err;
    }
  }

  headHidden(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training = false): tf.Tensor3D {
    const c = this.config;
    const [batch, seq] = inputIds.shape;
    this.checkSequenceLength(seq);
    const drop = training ? c.dropout : 0;
    const norm = (x: tf.Tensor2D, n: Norm) => applyNorm(x, n, DISTILBERT_LAYER_NORM_EPS);
    return tf.tidy(() => {
      const ids = tf.reshape(tf.cast(inputIds, 'int32'), [batch * seq]) as tf.Tensor1D;
      const words = tf.reshape(gatherRows(this.wordEmb as tf.Tensor2D, ids) as tf.Tensor2D, [batch, seq, c.dim]);
      const positions = tf.slice(this.posEmb, [0, 0], [seq, c.dim]);
      const summed = tf.reshape(tf.add(words, positions), [batch * seq, c.dim]) as tf.Tensor2D;
      let x = maybeDropout(norm(summed, this.embNorm), drop, training);
      const mask = additiveAttentionMask(attentionMask);
      const shape = { batch, seq, heads: c.nHeads };
      for (const layer of this.layers) {
        const ctx = selfAttention(dense(x, layer.q), dense(x, layer.k), dense(x, layer.v), mask, shape, {
          scaleQueryFirst: true,
          dropout: training ? c.attentionDropout : 0,
        });
        const sa = norm(tf.add(dense(ctx, layer.out), x), layer.saNorm);
        const ffn = maybeDropout(dense(this.act(dense(sa, layer.lin1)) as tf.Tensor2D, layer.lin2), drop, training);
        x = norm(tf.add(ffn, sa), layer.outNorm);
      }
      const head = norm(this.act(dense(x, this.vocabTransform)) as tf.Tensor2D, this.vocabNorm);
      return tf.reshape(head, [batch, seq, c.dim]) as tf.Tensor3D;
    });
  }
}
