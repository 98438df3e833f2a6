import type * as tf from '@tensorflow/tfjs-core';
import type { ModernBertConfig } from './config.ts';
import type { LayerParams, NormParams } from './layer.ts';
import type { MlpParams } from './mlp.ts';
import { TOK_EMBEDDINGS } from './params.ts';

/** The loaded variables arranged for the forward pass (same variable objects as the flat map). */
export interface ParamTree {
  tokEmbeddings: tf.Variable;
  embeddingNorm: NormParams;
  layers: LayerParams[];
  finalNorm: NormParams;
  headDense: { wT: tf.Tensor2D; bias?: tf.Tensor1D };
  headNorm: NormParams;
}

export function paramTree(cfg: ModernBertConfig, vars: Map<string, tf.Variable>): ParamTree {
  const req = (name: string): tf.Variable => {
    const v = vars.get(name);
    if (!v) throw new Error(`internal: variable ${name} was not loaded`);
    return v;
  };
  const opt = (name: string): tf.Tensor1D | undefined => vars.get(name) as tf.Tensor1D | undefined;
  const w1 = (name: string): tf.Tensor1D => req(name) as tf.Tensor1D;
  const w2 = (name: string): tf.Tensor2D => req(name) as tf.Tensor2D;
  const normAt = (prefix: string): NormParams => ({ weight: w1(`${prefix}.weight`), bias: opt(`${prefix}.bias`) });
  const layers: LayerParams[] = cfg.layerKinds.map((kind, i) => {
    const p = `model.layers.${i}`;
    const mlp: MlpParams = {
      wiT: w2(`${p}.mlp.Wi.weight`),
      bi: opt(`${p}.mlp.Wi.bias`),
      woT: w2(`${p}.mlp.Wo.weight`),
      bo: opt(`${p}.mlp.Wo.bias`),
    };
    return {
      kind,
      attnNorm: i > 0 ? normAt(`${p}.attn_norm`) : undefined,
      attn: {
        wqkvT: w2(`${p}.attn.Wqkv.weight`),
        bqkv: opt(`${p}.attn.Wqkv.bias`),
        woT: w2(`${p}.attn.Wo.weight`),
        bo: opt(`${p}.attn.Wo.bias`),
      },
      mlpNorm: normAt(`${p}.mlp_norm`),
      mlp,
    };
  });
  return {
    tokEmbeddings: req(TOK_EMBEDDINGS),
    embeddingNorm: normAt('model.embeddings.norm'),
    layers,
    finalNorm: normAt('model.final_norm'),
    headDense: { wT: w2('head.dense.weight'), bias: opt('head.dense.bias') },
    headNorm: normAt('head.norm'),
  };
}
