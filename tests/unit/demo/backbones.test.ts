import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The committed demo backbones: F16 weights, the configs the cards describe, and head-stats.json against the
 * weights themselves (read here with a plain safetensors parser and float64 sums).
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DEMO = path.join(REPO, 'resources/demo');

interface Entry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

function readF16(file: string): Map<string, { shape: number[]; values: Float64Array }> {
  const buf = fs.readFileSync(file);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, Entry>;
  const out = new Map<string, { shape: number[]; values: Float64Array }>();
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    expect(e.dtype, name).toBe('F16');
    const start = 8 + n + e.data_offsets[0];
    const count = (e.data_offsets[1] - e.data_offsets[0]) / 2;
    const values = new Float64Array(count);
    for (let i = 0; i < count; i++) values[i] = half(buf.readUInt16LE(start + 2 * i));
    out.set(name, { shape: e.shape, values });
  }
  return out;
}

/** IEEE 754 binary16 → number, from the format's definition. */
function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const l2 = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

const BACKBONES = [
  { id: 'bert-mini', architecture: 'BertForMaskedLM', vocab: 30522, embedding: 'bert.embeddings.word_embeddings.weight', bias: 'cls.predictions.bias' },
  { id: 'modernbert-mini', architecture: 'ModernBertForMaskedLM', vocab: 50368, embedding: 'model.embeddings.tok_embeddings.weight', bias: 'decoder.bias' },
];

describe('demo backbones', () => {
  it.each(BACKBONES)('$id: F16 weights of a 64-wide, 2-layer model whose head norms match head-stats.json', (b) => {
    const dir = path.join(DEMO, 'models', b.id);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ architectures: [b.architecture], hidden_size: 64, num_hidden_layers: 2, vocab_size: b.vocab });
    const weights = readF16(path.join(dir, 'model.safetensors'));
    const emb = weights.get(b.embedding)!;
    expect(emb.shape).toEqual([b.vocab, 64]);
    const bias = weights.get(b.bias)!;
    const stats = JSON.parse(fs.readFileSync(path.join(dir, 'head-stats.json'), 'utf8')) as { tied: boolean; by_k: Record<string, Record<string, number>> };
    expect(stats.tied).toBe(true);
    // Tied decoder = the word embeddings; rescaling by k divides weight and bias.
    let rowSum = 0;
    for (let r = 0; r < b.vocab; r++) rowSum += l2(emb.values.subarray(r * 64, (r + 1) * 64));
    for (const k of [1, 4, 16]) {
      const s = stats.by_k[String(k)]!;
      expect(s.decoder_weight_frobenius_norm).toBeCloseTo(l2(emb.values) / k, 3);
      expect(s.decoder_weight_mean_row_l2_norm).toBeCloseTo(rowSum / b.vocab / k, 5);
      expect(s.decoder_bias_l2_norm).toBeCloseTo(l2(bias.values) / k, 4);
    }
    const card = fs.readFileSync(path.join(dir, 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('## Held-out masked-token accuracy');
    expect(card).toContain(stats.by_k['1']!.decoder_weight_frobenius_norm!.toFixed(3));
  });

  it('keeps everything shipped under resources/demo below 40 MB', () => {
    let bytes = 0;
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else bytes += fs.statSync(path.join(d, e.name)).size;
      }
    };
    walk(DEMO);
    expect(bytes).toBeLessThan(40 * 1024 * 1024);
  });
});
