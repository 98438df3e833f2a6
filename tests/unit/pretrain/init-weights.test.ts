import { describe, expect, it } from 'vitest';
import { initBertWeights, initModernBertWeights } from '../../../src/core/pretrain/init-weights.ts';
import { Rng } from '../../../src/core/train/rng.ts';
import type { RawTensor } from '../../../src/core/models/types.ts';
import { tinyModernBertConfig } from '../../helpers/modernbert-checkpoint.ts';

function stats(t: RawTensor): { mean: number; std: number; maxAbs: number } {
  let s = 0;
  let s2 = 0;
  let maxAbs = 0;
  for (const x of t.data) {
    s += x;
    s2 += x * x;
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  const n = t.data.length;
  return { mean: s / n, std: Math.sqrt(s2 / n - (s / n) ** 2), maxAbs };
}

// Standard normal density and distribution function (Abramowitz–Stegun 7.1.26 for erf is enough at 1e-7).
const phi = (x: number): number => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
function Phi(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-(x * x) / 2);
  return 0.5 * (1 + Math.sign(x) * erf);
}
/** Standard deviation of N(0, 1) truncated to [−c, c]: √(1 − 2cφ(c) / (2Φ(c) − 1)). */
const truncatedStd = (c: number): number => Math.sqrt(1 - (2 * c * phi(c)) / (2 * Phi(c) - 1));

describe('initial weights as transformers draws them', () => {
  it('ModernBERT: truncated normal at ±2σ with the in / out / embedding stds, zero biases, unit norms', () => {
    const layers = 3;
    const cfg = tinyModernBertConfig({
      vocab_size: 600,
      hidden_size: 64,
      intermediate_size: 96,
      num_hidden_layers: layers,
      initializer_range: 0.05,
      tie_word_embeddings: false,
      norm_bias: true,
      mlp_bias: true,
    });
    const w = initModernBertWeights(cfg, 'config.json', new Rng(1));
    const inStd = 0.05;
    const outStd = 0.05 / Math.sqrt(2 * layers);
    const ratio = truncatedStd(2); // ≈ 0.8796
    const expectStd: Record<string, number> = {
      'model.embeddings.tok_embeddings.weight': inStd,
      'model.layers.1.attn.Wqkv.weight': inStd,
      'model.layers.2.mlp.Wi.weight': inStd,
      'model.layers.0.attn.Wo.weight': outStd,
      'model.layers.1.mlp.Wo.weight': outStd,
      'head.dense.weight': outStd,
      'decoder.weight': outStd,
    };
    for (const [name, sigma] of Object.entries(expectStd)) {
      const s = stats(w.get(name)!);
      expect(Math.abs(s.mean)).toBeLessThan(0.05 * sigma);
      expect(Math.abs(s.std / (sigma * ratio) - 1)).toBeLessThan(0.04);
      expect(s.maxAbs).toBeLessThanOrEqual(2 * sigma * (1 + 1e-6));
      expect(s.maxAbs).toBeGreaterThan(1.95 * sigma);
    }
    expect(w.get('model.layers.0.attn.Wqkv.weight')!.shape).toEqual([3 * 64, 64]);
    expect(w.get('model.layers.0.mlp.Wi.weight')!.shape).toEqual([2 * 96, 64]);
    for (const name of ['decoder.bias', 'model.layers.0.mlp.Wi.bias', 'model.final_norm.bias', 'head.norm.bias']) {
      expect(stats(w.get(name)!).maxAbs).toBe(0);
    }
    for (const name of ['model.embeddings.norm.weight', 'model.layers.1.attn_norm.weight', 'head.norm.weight']) {
      expect([...w.get(name)!.data].every((x) => x === 1)).toBe(true);
    }
    // Same seed, same weights; another seed, others.
    expect(initModernBertWeights(cfg, 'config.json', new Rng(1)).get('head.dense.weight')).toEqual(w.get('head.dense.weight'));
    expect(initModernBertWeights(cfg, 'config.json', new Rng(2)).get('head.dense.weight')).not.toEqual(w.get('head.dense.weight'));
  });

  it('ModernBERT tied: no separate decoder weight', () => {
    const w = initModernBertWeights(tinyModernBertConfig(), 'config.json', new Rng(1));
    expect(w.has('decoder.weight')).toBe(false);
    expect(w.has('model.embeddings.tok_embeddings.weight')).toBe(true);
  });

  it('BERT: plain normal(0, initializer_range) weights, padding row zero, zero biases, unit LayerNorm', () => {
    const cfg = {
      architectures: ['BertForMaskedLM'],
      vocab_size: 800,
      hidden_size: 48,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      intermediate_size: 96,
      max_position_embeddings: 64,
      pad_token_id: 3,
      initializer_range: 0.04,
    };
    const w = initBertWeights(cfg, 'config.json', new Rng(5));
    const words = w.get('bert.embeddings.word_embeddings.weight')!;
    expect(words.shape).toEqual([800, 48]);
    expect([...words.data.subarray(3 * 48, 4 * 48)].every((x) => x === 0)).toBe(true);
    for (const name of ['bert.encoder.layer.1.attention.self.key.weight', 'bert.encoder.layer.0.intermediate.dense.weight', 'bert.embeddings.position_embeddings.weight']) {
      const s = stats(w.get(name)!);
      expect(Math.abs(s.std / 0.04 - 1)).toBeLessThan(0.05);
      // Not truncated: a few values beyond 2σ are expected among thousands.
      expect(s.maxAbs).toBeGreaterThan(2.5 * 0.04);
    }
    expect(w.get('bert.encoder.layer.0.output.dense.weight')!.shape).toEqual([48, 96]);
    expect(stats(w.get('cls.predictions.bias')!).maxAbs).toBe(0);
    expect(stats(w.get('bert.encoder.layer.0.attention.output.LayerNorm.bias')!).maxAbs).toBe(0);
    expect([...w.get('cls.predictions.transform.LayerNorm.weight')!.data].every((x) => x === 1)).toBe(true);
    expect(w.has('cls.predictions.decoder.weight')).toBe(false);
    expect(initBertWeights({ ...cfg, tie_word_embeddings: false }, 'config.json', new Rng(5)).get('cls.predictions.decoder.weight')!.shape).toEqual([800, 48]);
  });
});
