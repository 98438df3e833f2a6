import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/core/errors.ts';
import { buildModernBert } from '../../../../src/core/models/modernbert/index.ts';
import type { MaskedLmModel, WeightMap } from '../../../../src/core/models/types.ts';
import { selectBackend } from '../../../../src/core/tensor/backend.ts';
import { randomModernBertWeights, tinyModernBertConfig } from '../../../helpers/modernbert-checkpoint.ts';

const EMB = 'model.embeddings.tok_embeddings.weight';

function headHidden(model: MaskedLmModel, ids: number[][]): Float32Array {
  const idsT = tf.tensor2d(ids, undefined, 'int32');
  const maskT = tf.onesLike(idsT);
  const out = model.headHidden(idsT as tf.Tensor2D, maskT as tf.Tensor2D);
  const data = out.dataSync() as Float32Array;
  tf.dispose([idsT, maskT, out]);
  return data;
}

const scaled = (a: Float32Array, k: number): Float32Array => a.map((v) => v / k);

describe('ModernBERT head rescaling and weight export', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('exportWeights returns exactly the checkpoint (HF names and layouts, tied decoder omitted)', () => {
    const cfg = tinyModernBertConfig();
    const weights = randomModernBertWeights(cfg, 5);
    const model = buildModernBert(cfg, weights, 'tiny');
    try {
      const out = model.exportWeights();
      expect([...out.keys()].sort()).toEqual([...weights.keys()].sort());
      expect(out.has('decoder.weight')).toBe(false);
      for (const [name, t] of weights) {
        expect(out.get(name)!.shape, name).toEqual(t.shape);
        expect(out.get(name)!.data, name).toEqual(t.data);
      }
      expect(model.exportConfig()).toMatchObject({ architectures: ['ModernBertForMaskedLM'], tie_word_embeddings: true, hidden_size: 32 });
      // Layer 0 has no attention norm (identity), as in HF.
      expect(weights.has('model.layers.0.attn_norm.weight')).toBe(false);
      expect([...model.variables.keys()].sort()).toEqual([...weights.keys()].sort());
      expect(model.decoderWeight).toBe(model.variables.get(EMB));
      expect(model.info).toEqual({
        architecture: 'ModernBertForMaskedLM',
        vocabSize: 100,
        hiddenSize: 32,
        numLayers: 4,
        maxPositions: 64,
        padTokenId: 0,
        tied: true,
        rescaleK: 1,
      });
    } finally {
      model.dispose();
    }
  });

  it('rescaleHead unties, divides decoder weight and bias by k (cumulatively), leaves the encoder alone', () => {
    const cfg = tinyModernBertConfig();
    const weights = randomModernBertWeights(cfg, 6);
    const emb = weights.get(EMB)!.data;
    const bias = weights.get('decoder.bias')!.data;
    const model = buildModernBert(cfg, weights, 'tiny');
    const ids = [[5, 17, 3, 99, 42, 8]];
    try {
      const before = headHidden(model, ids);
      model.rescaleHead(4);
      expect(model.info.tied).toBe(false);
      expect(model.info.rescaleK).toBe(4);
      expect(model.decoderWeight).not.toBe(model.variables.get(EMB));
      expect(model.variables.get('decoder.weight')).toBe(model.decoderWeight);
      expect(model.decoderWeight.shape).toEqual([100, 32]);
      expect(model.decoderWeight.dataSync()).toEqual(scaled(emb, 4));
      expect(model.decoderBias.dataSync()).toEqual(scaled(bias, 4));
      model.rescaleHead(2);
      expect(model.info.rescaleK).toBe(8);
      // /4 then /2 in float32 may differ from /8 by an ulp
      const w = model.decoderWeight.dataSync();
      const expected = scaled(emb, 8);
      for (let i = 0; i < w.length; i++) expect(Math.abs(w[i] - expected[i])).toBeLessThanOrEqual(1e-7 * Math.abs(expected[i]));
      expect(model.variables.get(EMB)!.dataSync()).toEqual(emb);
      expect(headHidden(model, ids)).toEqual(before);

      const out = model.exportWeights();
      expect(out.get(EMB)!.data).toEqual(emb);
      expect(out.get('decoder.weight')!.shape).toEqual([100, 32]);
      expect(out.get('decoder.weight')!.data).toEqual(w);
      const config = model.exportConfig();
      expect(config.tie_word_embeddings).toBe(false);

      // What was exported loads back untied, with the same numbers.
      const again = buildModernBert(config, out, 'exported');
      try {
        expect(again.info.tied).toBe(false);
        expect(again.decoderWeight.dataSync()).toEqual(w);
        expect(again.decoderBias.dataSync()).toEqual(model.decoderBias.dataSync());
        expect(headHidden(again, ids)).toEqual(before);
      } finally {
        again.dispose();
      }
    } finally {
      model.dispose();
    }
  });

  it('rejects a non-positive or non-finite k', () => {
    const cfg = tinyModernBertConfig();
    const model = buildModernBert(cfg, randomModernBertWeights(cfg, 7), 'tiny');
    try {
      for (const k of [0, -2, Number.NaN, Infinity]) expect(() => model.rescaleHead(k)).toThrow(InputError);
      expect(model.info.rescaleK).toBe(1);
    } finally {
      model.dispose();
    }
  });

  it('without decoder_bias: zero bias, not exported or trainable, still rescalable', () => {
    const cfg = tinyModernBertConfig({ decoder_bias: false });
    const weights = randomModernBertWeights(cfg, 8);
    expect(weights.has('decoder.bias')).toBe(false);
    const model = buildModernBert(cfg, weights, 'tiny');
    try {
      expect(model.decoderBias.dataSync().every((v) => v === 0)).toBe(true);
      expect(model.variables.has('decoder.bias')).toBe(false);
      model.rescaleHead(3);
      expect([...model.exportWeights().keys()].sort()).toEqual([...weights.keys(), 'decoder.weight'].sort());
    } finally {
      model.dispose();
    }
  });

  it('frees every tensor it made on dispose', () => {
    const cfg = tinyModernBertConfig();
    const before = tf.memory().numTensors;
    const model = buildModernBert(cfg, randomModernBertWeights(cfg, 9), 'tiny');
    headHidden(model, [[1, 2, 3]]);
    model.rescaleHead(2);
    model.rescaleHead(2);
    model.exportWeights();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('ModernBERT checkpoint errors', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  const build = (weights: WeightMap, overrides: Record<string, unknown> = {}): MaskedLmModel =>
    buildModernBert(tinyModernBertConfig(overrides), weights, '/ckpt/model.safetensors');

  it('names a missing tensor and its expected shape', () => {
    const weights = randomModernBertWeights(tinyModernBertConfig(), 1);
    weights.delete('model.layers.2.mlp.Wi.weight');
    const before = tf.memory().numTensors;
    expect(() => build(weights)).toThrow(InputError);
    expect(() => build(weights)).toThrow(/model\.safetensors.*model\.layers\.2\.mlp\.Wi\.weight.*\[96, 32\]/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names a mis-shaped tensor with both shapes', () => {
    const weights = randomModernBertWeights(tinyModernBertConfig(), 1);
    weights.set('model.layers.1.attn.Wqkv.weight', { shape: [32, 96], data: new Float32Array(32 * 96) });
    try {
      build(weights);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).location).toEqual({ file: '/ckpt/model.safetensors', field: 'model.layers.1.attn.Wqkv.weight' });
      expect((err as Error).message).toMatch(/\[32, 96\], expected \[96, 32\]/);
    }
  });

  it('requires the norm biases a norm_bias config promises, and decoder.weight when untied', () => {
    const plain = randomModernBertWeights(tinyModernBertConfig(), 1);
    expect(() => build(plain, { norm_bias: true })).toThrow(/model\.embeddings\.norm\.bias/);
    expect(() => build(plain, { tie_word_embeddings: false })).toThrow(/decoder\.weight.*\[100, 32\]/);
  });

  it('rejects bad config fields by name', () => {
    const weights = randomModernBertWeights(tinyModernBertConfig(), 1);
    expect(() => build(weights, { num_attention_heads: 3 })).toThrow(/field "num_attention_heads"/);
    expect(() => build(weights, { hidden_activation: 'mish' })).toThrow(/field "hidden_activation"/);
    expect(() => build(weights, { layer_types: ['full_attention'] })).toThrow(/field "layer_types"/);
    expect(() => build(weights, { norm_eps: '1e-5' })).toThrow(InputError);
  });
});
