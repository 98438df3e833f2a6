import * as tf from '@tensorflow/tfjs-core';
import { buildBert } from '../models/bert/index.ts';
import type { WeightMap } from '../models/types.ts';
import { activeBackend } from '../tensor/backend.ts';
import { encodeTokenBatch } from './encoder.ts';

export interface BenchEncodeSettings {
  layers: number;
  hidden: number;
  heads: number;
  ffn: number;
  vocab: number;
  /** Texts per forward pass. */
  batch: number;
  /** Tokens per text, [CLS] and [SEP] included (no padding). */
  tokens: number;
  /** Timed batches after the warm-up. */
  batches: number;
  warmup: number;
}

export const DEFAULT_BENCH_ENCODE: BenchEncodeSettings = {
  layers: 2,
  hidden: 128,
  heads: 2,
  ffn: 512,
  vocab: 30522,
  batch: 32,
  tokens: 128,
  batches: 5,
  warmup: 1,
};

export interface BenchEncodeResult {
  texts_per_s: number;
  batch_s_median: number;
  batch_s_min: number;
  backend: string;
  settings: BenchEncodeSettings;
}

/** A random BertForMaskedLM (tied head) built in memory, HF names and layout. */
function randomBert(s: BenchEncodeSettings, seed: number): { config: Record<string, unknown>; weights: WeightMap } {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  const rand = (shape: number[], std: number, mean = 0) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = mean + std * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    return { shape, data };
  };
  const H = s.hidden;
  const w: WeightMap = new Map();
  const linear = (p: string, out: number, inp: number): void => {
    w.set(`${p}.weight`, rand([out, inp], 0.02));
    w.set(`${p}.bias`, rand([out], 0.02));
  };
  const norm = (p: string): void => {
    w.set(`${p}.weight`, rand([H], 0.02, 1));
    w.set(`${p}.bias`, rand([H], 0.02));
  };
  w.set('bert.embeddings.word_embeddings.weight', rand([s.vocab, H], 0.02));
  w.set('bert.embeddings.position_embeddings.weight', rand([Math.max(512, s.tokens), H], 0.02));
  w.set('bert.embeddings.token_type_embeddings.weight', rand([2, H], 0.02));
  norm('bert.embeddings.LayerNorm');
  for (let i = 0; i < s.layers; i++) {
    const l = `bert.encoder.layer.${i}`;
    for (const n of ['query', 'key', 'value']) linear(`${l}.attention.self.${n}`, H, H);
    linear(`${l}.attention.output.dense`, H, H);
    norm(`${l}.attention.output.LayerNorm`);
    linear(`${l}.intermediate.dense`, s.ffn, H);
    linear(`${l}.output.dense`, H, s.ffn);
    norm(`${l}.output.LayerNorm`);
  }
  linear('cls.predictions.transform.dense', H, H);
  norm('cls.predictions.transform.LayerNorm');
  w.set('cls.predictions.bias', rand([s.vocab], 0.02));
  const config = {
    architectures: ['BertForMaskedLM'],
    hidden_size: H,
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    intermediate_size: s.ffn,
    vocab_size: s.vocab,
    max_position_embeddings: Math.max(512, s.tokens),
  };
  return { config, weights: w };
}

/**
 * Encoding throughput: random BERT weights, random full-length token ids, SPLADE vectors per batch (forward,
 * max-first pooling, sparse extraction; tokenization excluded). The backend must be selected.
 */
export async function benchEncode(settings: BenchEncodeSettings, log?: (line: string) => void): Promise<BenchEncodeResult> {
  const s = settings;
  const { config, weights } = randomBert(s, 1234);
  const model = buildBert(config, weights, '<bench>/model.safetensors');
  let state = 99;
  const nextId = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return 1000 + (state % (s.vocab - 1000));
  };
  const batchIds = (): number[][] =>
    Array.from({ length: s.batch }, () => [101, ...Array.from({ length: s.tokens - 2 }, nextId), 102]);
  const times: number[] = [];
  try {
    for (let i = 0; i < s.warmup + s.batches; i++) {
      const ids = batchIds();
      const t0 = performance.now();
      await encodeTokenBatch(model, ids, 0);
      const dt = (performance.now() - t0) / 1000;
      if (i >= s.warmup) times.push(dt);
      log?.(`batch ${i + 1}/${s.warmup + s.batches}: ${dt.toFixed(3)} s${i < s.warmup ? ' (warm-up)' : ''}`);
    }
  } finally {
    model.dispose();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return {
    texts_per_s: s.batch / median,
    batch_s_median: median,
    batch_s_min: sorted[0]!,
    backend: activeBackend()?.name ?? tf.getBackend(),
    settings: s,
  };
}
