import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SeededRandom } from '../../src/core/data/seeded-rng.ts';
import type { RawTensor, WeightMap } from '../../src/core/models/types.ts';

/** Deterministic uniform [0, 1) generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  const rng = new SeededRandom(seed);
  return () => rng.next();
}

/** A tiny ModernBertForMaskedLM config.json (snake_case, as on the hub); 4 layers → global, local, local, global. */
export function tinyModernBertConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architectures: ['ModernBertForMaskedLM'],
    model_type: 'modernbert',
    vocab_size: 100,
    hidden_size: 32,
    intermediate_size: 48,
    num_hidden_layers: 4,
    num_attention_heads: 2,
    global_attn_every_n_layers: 3,
    local_attention: 4,
    global_rope_theta: 160000.0,
    local_rope_theta: 10000.0,
    max_position_embeddings: 64,
    hidden_activation: 'gelu',
    classifier_activation: 'gelu',
    norm_eps: 1e-5,
    norm_bias: false,
    attention_bias: false,
    mlp_bias: false,
    decoder_bias: true,
    classifier_bias: false,
    pad_token_id: 0,
    tie_word_embeddings: true,
    ...overrides,
  };
}

/**
 * The tiny config with everything off the default path: every bias on, SiLU and tanh-GELU, an odd window,
 * per-layer `layer_types` with `rope_parameters`, and an untied decoder.
 */
export function variantModernBertConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return tinyModernBertConfig({
    num_hidden_layers: 3,
    norm_bias: true,
    attention_bias: true,
    mlp_bias: true,
    classifier_bias: true,
    hidden_activation: 'silu',
    classifier_activation: 'gelu_pytorch_tanh',
    local_attention: 5,
    layer_types: ['sliding_attention', 'full_attention', 'sliding_attention'],
    rope_parameters: {
      full_attention: { rope_type: 'default', rope_theta: 5000 },
      sliding_attention: { rope_type: 'default', rope_theta: 80 },
    },
    tie_word_embeddings: false,
    ...overrides,
  });
}

const flag = (cfg: Record<string, unknown>, key: string, fallback: boolean): boolean =>
  typeof cfg[key] === 'boolean' ? (cfg[key] as boolean) : fallback;

/**
 * Random weights in exact `save_pretrained` naming and layout for a config from `tinyModernBertConfig`.
 * Norm weights are near 1 and every tensor is non-trivial, so a wrong name, layout or transposition shows.
 * `decoder.weight` is written only when the config is untied.
 */
export function randomModernBertWeights(cfg: Record<string, unknown>, seed = 1): WeightMap {
  const rand = seededRandom(seed);
  const h = cfg.hidden_size as number;
  const inter = cfg.intermediate_size as number;
  const vocab = cfg.vocab_size as number;
  const layers = cfg.num_hidden_layers as number;
  const weights: WeightMap = new Map();
  const put = (name: string, shape: number[], center: number, spread: number): void => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = center + spread * (2 * rand() - 1);
    weights.set(name, { shape, data });
  };
  const linear = (prefix: string, out: number, inp: number, bias: boolean): void => {
    put(`${prefix}.weight`, [out, inp], 0, Math.sqrt(3 / inp));
    if (bias) put(`${prefix}.bias`, [out], 0, 0.1);
  };
  const norm = (prefix: string): void => {
    put(`${prefix}.weight`, [h], 1, 0.2);
    if (flag(cfg, 'norm_bias', false)) put(`${prefix}.bias`, [h], 0, 0.1);
  };
  const attnBias = flag(cfg, 'attention_bias', false);
  const mlpBias = flag(cfg, 'mlp_bias', false);
  put('model.embeddings.tok_embeddings.weight', [vocab, h], 0, 1);
  norm('model.embeddings.norm');
  for (let i = 0; i < layers; i++) {
    const p = `model.layers.${i}`;
    if (i > 0) norm(`${p}.attn_norm`);
    linear(`${p}.attn.Wqkv`, 3 * h, h, attnBias);
    linear(`${p}.attn.Wo`, h, h, attnBias);
    norm(`${p}.mlp_norm`);
    linear(`${p}.mlp.Wi`, 2 * inter, h, mlpBias);
    linear(`${p}.mlp.Wo`, h, inter, mlpBias);
  }
  norm('model.final_norm');
  linear('head.dense', h, h, flag(cfg, 'classifier_bias', false));
  norm('head.norm');
  if (flag(cfg, 'decoder_bias', true)) put('decoder.bias', [vocab], 0, 0.5);
  if (!flag(cfg, 'tie_word_embeddings', true)) put('decoder.weight', [vocab, h], 0, 1);
  return weights;
}

/** Minimal safetensors writer (F32 only): u64 LE header length, JSON header padded to 8 bytes, raw data. */
export function encodeSafetensors(weights: WeightMap): Buffer {
  const names = [...weights.keys()].sort();
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const name of names) {
    const t = weights.get(name) as RawTensor;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const t = weights.get(name) as RawTensor;
    for (let i = 0; i < t.data.length; i++, at += 4) out.writeFloatLE(t.data[i], at);
  }
  return out;
}

/** Writes `config.json` and `model.safetensors` into `dir` (an HF model folder without a tokenizer). */
export function writeModernBertCheckpoint(dir: string, cfg: Record<string, unknown>, weights: WeightMap): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(cfg, null, 2) + '\n');
  writeFileSync(path.join(dir, 'model.safetensors'), encodeSafetensors(weights));
}
