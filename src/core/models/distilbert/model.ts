import * as tf from '@tensorflow/tfjs-core';
import {
  activationByName,
  additiveAttentionMask,
  layerNorm,
  denseInOut,
  maybeDropout,
  selfAttention,
  type Activation,
} from '../../tensor/nn.ts';
import { gatherRows } from '../../tensor/embedding-grad.ts';
import { MaskedLmBase } from '../masked-lm-base.ts';
import type { CheckpointWeights } from '../weights.ts';
import { DISTILBERT_LAYER_NORM_EPS, type DistilBertConfig } from './config.ts';

interface Dense {
  w: tf.Variable;
  b: tf.Variable;
}
interface Norm {
  gamma: tf.Variable;
  beta: tf.Variable;
}
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
      const dense = (prefix: string, out: number, inp: number): Dense => ({
        w: p.add(`${prefix}.weight`, weights.take(`${prefix}.weight`, [out, inp]), { linear: true }),
        b: p.add(`${prefix}.bias`, weights.take(`${prefix}.bias`, [out])),
      });
      const norm = (prefix: string): Norm => ({
        gamma: p.add(`${prefix}.weight`, weights.take(`${prefix}.weight`, [D])),
        beta: p.add(`${prefix}.bias`, weights.take(`${prefix}.bias`, [D])),
      });
      this.wordEmb = p.add(DISTILBERT_NAMES.wordEmbeddings, weights.take(DISTILBERT_NAMES.wordEmbeddings, [c.vocabSize, D]));
      this.posEmb = p.add(
        DISTILBERT_NAMES.positionEmbeddings,
        weights.take(DISTILBERT_NAMES.positionEmbeddings, [c.maxPositionEmbeddings, D]),
      );
      this.embNorm = norm(DISTILBERT_NAMES.embeddingsNorm);
      for (let i = 0; i < c.nLayers; i++) {
        const l = DISTILBERT_NAMES.layer(i);
        this.layers.push({
          q: dense(`${l}.attention.q_lin`, D, D),
          k: dense(`${l}.attention.k_lin`, D, D),
          v: dense(`${l}.attention.v_lin`, D, D),
          out: dense(`${l}.attention.out_lin`, D, D),
          saNorm: norm(`${l}.sa_layer_norm`),
          lin1: dense(`${l}.ffn.lin1`, c.hiddenDim, D),
          lin2: dense(`${l}.ffn.lin2`, D, c.hiddenDim),
          outNorm: norm(`${l}.output_layer_norm`),
        });
      }
      this.vocabTransform = dense(DISTILBERT_NAMES.vocabTransform, D, D);
      this.vocabNorm = norm(DISTILBERT_NAMES.vocabLayerNorm);
      const bias = p.add(DISTILBERT_NAMES.decoderBias, weights.take(DISTILBERT_NAMES.decoderBias, [c.vocabSize]));
      const decoder = c.tieWordEmbeddings
        ? this.wordEmb
        : p.add(DISTILBERT_NAMES.decoderWeight, weights.take(DISTILBERT_NAMES.decoderWeight, [c.vocabSize, D]));
      this.setDecoder(decoder, bias);
    } catch (err) {
      this.params.dispose();
      throw err;
    }
  }

  headHidden(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training = false): tf.Tensor3D {
    const c = this.config;
    const [batch, seq] = inputIds.shape;
    if (seq > c.maxPositionEmbeddings) {
      throw new Error(`sequence length ${seq} exceeds max_position_embeddings ${c.maxPositionEmbeddings}`);
    }
    const drop = training ? c.dropout : 0;
    return tf.tidy(() => {
      const ids = tf.reshape(tf.cast(inputIds, 'int32'), [batch * seq]) as tf.Tensor1D;
      const words = tf.reshape(gatherRows(this.wordEmb as tf.Tensor2D, ids) as tf.Tensor2D, [batch, seq, c.dim]);
      const positions = tf.slice(this.posEmb, [0, 0], [seq, c.dim]);
      const summed = tf.reshape(tf.add(words, positions), [batch * seq, c.dim]) as tf.Tensor2D;
      let x = maybeDropout(this.norm(summed, this.embNorm), drop, training);
      const mask = additiveAttentionMask(attentionMask);
      const shape = { batch, seq, heads: c.nHeads };
      for (const layer of this.layers) {
        const ctx = selfAttention(this.dense(x, layer.q), this.dense(x, layer.k), this.dense(x, layer.v), mask, shape, {
          scaleQueryFirst: true,
          dropout: training ? c.attentionDropout : 0,
        });
        const sa = this.norm(tf.add(this.dense(ctx, layer.out), x), layer.saNorm);
        const ffn = maybeDropout(this.dense(this.act(this.dense(sa, layer.lin1)) as tf.Tensor2D, layer.lin2), drop, training);
        x = this.norm(tf.add(ffn, sa), layer.outNorm);
      }
      const head = this.norm(this.act(this.dense(x, this.vocabTransform)) as tf.Tensor2D, this.vocabNorm);
      return tf.reshape(head, [batch, seq, c.dim]) as tf.Tensor3D;
    });
  }

  private dense(x: tf.Tensor2D, d: Dense): tf.Tensor2D {
    return denseInOut(x, d.w as tf.Tensor2D, d.b as tf.Tensor1D);
  }

  private norm(x: tf.Tensor2D, n: Norm): tf.Tensor2D {
    return layerNorm(x, n.gamma as tf.Tensor1D, n.beta as tf.Tensor1D, DISTILBERT_LAYER_NORM_EPS);
  }
}
