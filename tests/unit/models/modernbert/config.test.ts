import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseModernBertConfig } from '../../../../src/core/models/modernbert/config.ts';

const read = (p: string): Record<string, unknown> => JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;

describe('parseModernBertConfig', () => {
  it('reads the real ModernBERT-large config.json', () => {
    const c = parseModernBertConfig(read('data/model-configs/modernbert-large/config.json'), 'config.json');
    expect(c).toMatchObject({
      vocabSize: 50368,
      hiddenSize: 1024,
      intermediateSize: 2624,
      numLayers: 28,
      numHeads: 16,
      headDim: 64,
      hiddenActivation: 'gelu',
      classifierActivation: 'gelu',
      maxPositions: 8192,
      normEps: 1e-5,
      normBias: false,
      attentionBias: false,
      mlpBias: false,
      decoderBias: true,
      classifierBias: false,
      localAttention: 128,
      globalRopeTheta: 160000,
      localRopeTheta: 10000,
      padTokenId: 50283,
      tieWordEmbeddings: true,
    });
    expect(c.layerKinds.slice(0, 7)).toEqual(['global', 'local', 'local', 'global', 'local', 'local', 'global']);
    expect(c.layerKinds.filter((k) => k === 'global')).toHaveLength(10);
  });

  it('fills HF ModernBertConfig defaults for absent keys', () => {
    const c = parseModernBertConfig({}, 'x');
    expect(c).toMatchObject({
      vocabSize: 50368,
      hiddenSize: 768,
      intermediateSize: 1152,
      numLayers: 22,
      numHeads: 12,
      localAttention: 128,
      globalRopeTheta: 160000,
      localRopeTheta: 10000,
      normEps: 1e-5,
      decoderBias: true,
      tieWordEmbeddings: true,
      padTokenId: 50283,
    });
    expect(c.layerKinds.filter((k) => k === 'global')).toHaveLength(8);
  });

  it('reads transformers 5 layer_types / rope_parameters, and a null local_rope_theta as the global base', () => {
    const c = parseModernBertConfig(
      {
        num_hidden_layers: 2,
        layer_types: ['sliding_attention', 'full_attention'],
        rope_parameters: { full_attention: { rope_type: 'default', rope_theta: 1000 }, sliding_attention: { rope_theta: 50 } },
      },
      'x',
    );
    expect(c.layerKinds).toEqual(['local', 'global']);
    expect([c.globalRopeTheta, c.localRopeTheta]).toEqual([1000, 50]);
    const legacy = parseModernBertConfig({ global_rope_theta: 8000, local_rope_theta: null }, 'x');
    expect(legacy.localRopeTheta).toBe(8000);
    expect(() => parseModernBertConfig({ rope_parameters: { full_attention: { rope_type: 'yarn' } } }, 'x')).toThrow(/rope_type/);
  });
});
