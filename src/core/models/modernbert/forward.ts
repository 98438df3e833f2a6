import * as tf from '@tensorflow/tfjs-core';
import { activate } from './activation.ts';
import type { ModernBertConfig } from './config.ts';
import { embeddingLookup } from './embedding.ts';
import { encoderLayer, norm } from './layer.ts';
import { linear } from './linear.ts';
import { attentionBiases } from './mask.ts';
import type { ParamTree } from './param-tree.ts';
import { ropeTables } from './rope.ts';

/**
 * ModernBertForMaskedLM up to the head: embeddings (lookup → norm → dropout), the encoder layers,
 * final_norm, then head (dense → activation → norm). Returns [batch, seq, hidden]; rows at padding
 * positions are computed but meaningless.
 */
export function modernBertHeadHidden(
  cfg: ModernBertConfig,
  params: ParamTree,
  inputIds: tf.Tensor2D,
  attentionMask: tf.Tensor2D,
  training: boolean,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, seq] = inputIds.shape;
    const rate = (r: number): number => (training ? r : 0);
    const ids = tf.reshape(inputIds.dtype === 'int32' ? inputIds : tf.cast(inputIds, 'int32'), [batch * seq]) as tf.Tensor1D;
    let x = norm(embeddingLookup(params.tokEmbeddings as tf.Tensor2D, ids, cfg.padTokenId), params.embeddingNorm, cfg.normEps);
    if (rate(cfg.embeddingDropout) > 0) x = tf.dropout(x, cfg.embeddingDropout) as tf.Tensor2D;

    const biases = attentionBiases(attentionMask, Math.floor(cfg.localAttention / 2));
    const ropeGlobal = ropeTables(seq, cfg.headDim, cfg.globalRopeTheta);
    const ropeLocal = cfg.localRopeTheta === cfg.globalRopeTheta ? ropeGlobal : ropeTables(seq, cfg.headDim, cfg.localRopeTheta);
    const shape = { batch, seq, numHeads: cfg.numHeads, headDim: cfg.headDim };
    for (const layer of params.layers) {
      const global = layer.kind === 'global';
      x = encoderLayer(x, layer, {
        shape,
        attention: {
          rope: global ? ropeGlobal : ropeLocal,
          bias: global ? biases.global : biases.local,
          dropout: rate(cfg.attentionDropout),
        },
        normEps: cfg.normEps,
        activation: cfg.hiddenActivation,
        mlpDropout: rate(cfg.mlpDropout),
      });
    }
    x = norm(x, params.finalNorm, cfg.normEps);
    const dense = linear(x, params.headDense.wT, params.headDense.bias);
    const head = norm(activate(dense, cfg.classifierActivation), params.headNorm, cfg.normEps);
    return tf.reshape(head, [batch, seq, cfg.hiddenSize]);
  });
}
