import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../../errors.ts';
import type { RawTensor, WeightMap } from '../types.ts';
import type { ModernBertConfig } from './config.ts';

/** One checkpoint tensor: its HF name and HF shape; `transposed` linear weights are held as [in, out]. */
export interface ParamSpec {
  name: string;
  shape: number[];
  transposed: boolean;
}

export const TOK_EMBEDDINGS = 'model.embeddings.tok_embeddings.weight';
export const DECODER_WEIGHT = 'decoder.weight';
export const DECODER_BIAS = 'decoder.bias';

/** Every tensor `save_pretrained` writes for ModernBertForMaskedLM, except the tied `decoder.weight`. */
export function paramSpecs(cfg: ModernBertConfig): ParamSpec[] {
  const h = cfg.hiddenSize;
  const specs: ParamSpec[] = [];
  const linear = (prefix: string, out: number, inp: number, bias: boolean): void => {
    specs.push({ name: `${prefix}.weight`, shape: [out, inp], transposed: true });
    if (bias) specs.push({ name: `${prefix}.bias`, shape: [out], transposed: false });
  };
  const norm = (prefix: string): void => {
    specs.push({ name: `${prefix}.weight`, shape: [h], transposed: false });
    if (cfg.normBias) specs.push({ name: `${prefix}.bias`, shape: [h], transposed: false });
  };
  specs.push({ name: TOK_EMBEDDINGS, shape: [cfg.vocabSize, h], transposed: false });
  norm('model.embeddings.norm');
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `model.layers.${i}`;
    if (i > 0) norm(`${p}.attn_norm`);
    linear(`${p}.attn.Wqkv`, 3 * h, h, cfg.attentionBias);
    linear(`${p}.attn.Wo`, h, h, cfg.attentionBias);
    norm(`${p}.mlp_norm`);
    linear(`${p}.mlp.Wi`, 2 * cfg.intermediateSize, h, cfg.mlpBias);
    linear(`${p}.mlp.Wo`, h, cfg.intermediateSize, cfg.mlpBias);
  }
  norm('model.final_norm');
  linear('head.dense', h, h, cfg.classifierBias);
  norm('head.norm');
  if (cfg.decoderBias) specs.push({ name: DECODER_BIAS, shape: [cfg.vocabSize], transposed: false });
  return specs;
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Reads one tensor into a variable (transposing linear weights); missing or mis-shaped → InputError. */
export function loadParam(weights: WeightMap, spec: ParamSpec, source: string): tf.Variable {
  const raw = weights.get(spec.name);
  if (!raw) {
    throw new InputError(`missing tensor ${spec.name} (expected shape ${shapeText(spec.shape)})`, { file: source, field: spec.name });
  }
  const sameShape = raw.shape.length === spec.shape.length && raw.shape.every((d, i) => d === spec.shape[i]);
  if (!sameShape) {
    throw new InputError(`tensor ${spec.name} has shape ${shapeText(raw.shape)}, expected ${shapeText(spec.shape)}`, {
      file: source,
      field: spec.name,
    });
  }
  const size = spec.shape.reduce((a, b) => a * b, 1);
  if (raw.data.length !== size) {
    throw new InputError(`tensor ${spec.name} holds ${raw.data.length} values, its shape ${shapeText(spec.shape)} needs ${size}`, {
      file: source,
      field: spec.name,
    });
  }
  const initial = tf.tidy(() => {
    const t = tf.tensor(raw.data, spec.shape, 'float32');
    return spec.transposed ? tf.transpose(t) : t;
  });
  const v = tf.variable(initial, true, `${spec.name}#${variableSerial++}`);
  initial.dispose();
  return v;
}

// tfjs variable names must be unique per engine; several models may be loaded at once.
let variableSerial = 0;

/** A variable back in HF layout as a fresh array (never the backend's own storage). */
export function exportParam(v: tf.Variable, spec: ParamSpec): RawTensor {
  if (spec.transposed) {
    const t = tf.transpose(v);
    const data = t.dataSync() as Float32Array;
    t.dispose();
    return { shape: [...spec.shape], data };
  }
  return { shape: [...spec.shape], data: (v.dataSync() as Float32Array).slice() };
}
