import * as tf from '@tensorflow/tfjs-core';
import { packedLayout } from '../../tensor/packed.ts';
import type { PackedHidden } from '../types.ts';
import { activate } from './activation.ts';
import { attention, packedAttention, type AttentionParams } from './attention.ts';
import type { ModernBertConfig } from './config.ts';
import { embeddingLookup } from './embedding.ts';
import { encoderLayer, norm, type LayerParams } from './layer.ts';
import { linear } from './linear.ts';
import { attentionBiases } from './mask.ts';
import type { ParamTree } from './param-tree.ts';
import { ropeTables, ropeTablesAt, type RopeTables } from './rope.ts';

type Attend = (x: tf.Tensor2D, p: AttentionParams, layer: LayerParams) => tf.Tensor2D;

/**
 * Embeddings (lookup → norm → dropout), the encoder layers, final_norm, then head (dense → activation → norm)
 * on rows of token ids; `attend` decides how the rows attend to each other.
 */
function headRows(cfg: ModernBertConfig, params: ParamTree, ids: tf.Tensor1D, training: boolean, attend: Attend): tf.Tensor2D {
  const rate = (r: number): number => (training ? r : 0);
  let x = norm(embeddingLookup(params.tokEmbeddings as tf.Tensor2D, ids, cfg.padTokenId), params.embeddingNorm, cfg.normEps);
  if (rate(cfg.embeddingDropout) > 0) x = tf.dropout(x, cfg.embeddingDropout) as tf.Tensor2D;
  for (const layer of params.layers) {
    x = encoderLayer(x, layer, {
      attend: (h, p) => attend(h, p, layer),
      normEps: cfg.normEps,
      activation: cfg.hiddenActivation,
      mlpDropout: rate(cfg.mlpDropout),
    });
  }
  x = norm(x, params.finalNorm, cfg.normEps);
  const dense = linear(x, params.headDense.wT, params.headDense.bias);
  return norm(activate(dense, cfg.classifierActivation), params.headNorm, cfg.normEps);
}

/** Global and local tables (one object when both bases agree). */
function ropePair(cfg: ModernBertConfig, make: (theta: number) => RopeTables): { global: RopeTables; local: RopeTables } {
  const global = make(cfg.globalRopeTheta);
  return { global, local: cfg.localRopeTheta === cfg.globalRopeTheta ? global : make(cfg.localRopeTheta) };
}

/**
 * ModernBertForMaskedLM up to the head on a right-padded batch. Returns [batch, seq, hidden]; rows at padding
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
    const ids = tf.reshape(inputIds.dtype === 'int32' ? inputIds : tf.cast(inputIds, 'int32'), [batch * seq]) as tf.Tensor1D;
    const biases = attentionBiases(attentionMask, Math.floor(cfg.localAttention / 2));
    const rope = ropePair(cfg, (theta) => ropeTables(seq, cfg.headDim, theta));
    const shape = { batch, seq, numHeads: cfg.numHeads, headDim: cfg.headDim };
    const dropout = training ? cfg.attentionDropout : 0;
    const rows = headRows(cfg, params, ids, training, (x, p, layer) => {
      const global = layer.kind === 'global';
      return attention(x, p, shape, { rope: global ? rope.global : rope.local, bias: global ? biases.global : biases.local, dropout });
    });
    return tf.reshape(rows, [batch, seq, cfg.hiddenSize]);
  });
}

/**
 * The same at the real tokens only, packed sequence after sequence: padding is dropped before the embeddings,
 * every dense layer runs on [tokens, hidden], RoPE rotates each token at its own position and attention runs
 * per sequence over its own tokens (within ±local_attention // 2 positions on local layers). Equal to
 * `modernBertHeadHidden` at every real token; differentiable.
 */
export function modernBertPackedHeadHidden(
  cfg: ModernBertConfig,
  params: ParamTree,
  inputIds: tf.Tensor2D,
  attentionMask: tf.Tensor2D,
  training: boolean,
): PackedHidden {
  const [batch, seq] = inputIds.shape;
  const layout = packedLayout(attentionMask.dataSync(), batch, seq);
  const all = inputIds.dataSync();
  const ids = Int32Array.from(layout.flat, (i) => all[i]!);
  const rows = tf.tidy(() => {
    const rope = ropePair(cfg, (theta) => ropeTablesAt(layout.columns, cfg.headDim, theta));
    const halfWindow = Math.floor(cfg.localAttention / 2);
    const dropout = training ? cfg.attentionDropout : 0;
    return headRows(cfg, params, tf.tensor1d(ids, 'int32'), training, (x, p, layer) => {
      const global = layer.kind === 'global';
      return packedAttention(x, p, {
        layout,
        rope: global ? rope.global : rope.local,
        numHeads: cfg.numHeads,
        headDim: cfg.headDim,
        halfWindow: global ? undefined : halfWindow,
        dropout,
      });
    });
  });
  return { rows, layout };
}
