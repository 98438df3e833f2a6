import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SeededRandom } from '../../src/core/data/seeded-rng.ts';
import { writeSafetensors, type WritableDtype } from '../../src/core/io/safetensors.ts';
import { writeShardedSafetensors } from '../../src/core/io/safetensors-index.ts';
import type { RawTensor, WeightMap } from '../../src/core/models/types.ts';

/**
 * Tiny random checkpoints in exact Hugging Face layout (config.json keys and tensor names as
 * `save_pretrained` writes them), in temporary folders. The generic writer takes any config and weights.
 */

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/tokenizers');

/** Which tokenizer files go with the checkpoint. */
export type TokenizerFiles = 'bert-base-uncased' | 'bert-vocab-only' | 'modernbert' | 'none';

export function makeTempDir(prefix = 'lsr-ckpt-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function copyTokenizerFiles(dir: string, which: TokenizerFiles): void {
  const copy = (from: string, name: string): void => fs.copyFileSync(path.join(FIXTURES, from, name), path.join(dir, name));
  switch (which) {
    case 'bert-base-uncased':
      copy('bert-base-uncased', 'tokenizer.json');
      copy('bert-base-uncased', 'vocab.txt');
      // The Hub's settings for bert-base-uncased (see the fixture's SOURCE.md).
      fs.writeFileSync(
        path.join(dir, 'tokenizer_config.json'),
        JSON.stringify({ do_lower_case: true, model_max_length: 512, tokenizer_class: 'BertTokenizer' }) + '\n',
      );
      break;
    case 'bert-vocab-only':
      copy('bert-base-uncased', 'vocab.txt');
      break;
    case 'modernbert':
      for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) copy('modernbert', f);
      break;
    case 'none':
      break;
  }
}

export interface HfCheckpointOptions {
  config: Record<string, unknown>;
  weights: WeightMap;
  tokenizer?: TokenizerFiles;
  dtype?: WritableDtype;
  /** Write `model-0000i-of-0000n.safetensors` + index with shards of at most this many bytes. */
  shardBytes?: number;
  dir?: string;
}

/** Writes config.json, the safetensors file(s) and tokenizer files; returns the folder. */
export function writeHfCheckpoint(opts: HfCheckpointOptions): string {
  const dir = opts.dir ?? makeTempDir();
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(opts.config, null, 2) + '\n');
  if (opts.shardBytes !== undefined) writeShardedSafetensors(dir, opts.weights, opts.shardBytes, opts.dtype);
  else writeSafetensors(path.join(dir, 'model.safetensors'), opts.weights, { dtype: opts.dtype });
  copyTokenizerFiles(dir, opts.tokenizer ?? 'bert-base-uncased');
  return dir;
}

/** Deterministic generator (mulberry32) with Gaussian draws (Box–Muller). */
export class Rng extends SeededRandom {
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  tensor(shape: number[], std: number, mean = 0): RawTensor {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = mean + std * this.normal();
    return { shape, data };
  }
}

/** config.json as `BertForMaskedLM.save_pretrained` writes it (transformers 4.4x), tiny sizes by default. */
export function bertConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architectures: ['BertForMaskedLM'],
    attention_probs_dropout_prob: 0.1,
    classifier_dropout: null,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    hidden_size: 16,
    initializer_range: 0.02,
    intermediate_size: 32,
    layer_norm_eps: 1e-12,
    max_position_embeddings: 64,
    model_type: 'bert',
    num_attention_heads: 2,
    num_hidden_layers: 2,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
    torch_dtype: 'float32',
    transformers_version: '4.46.3',
    type_vocab_size: 2,
    use_cache: true,
    vocab_size: 30522,
    ...overrides,
  };
}

/** config.json as `DistilBertForMaskedLM.save_pretrained` writes it, tiny sizes by default. */
export function distilBertConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    activation: 'gelu',
    architectures: ['DistilBertForMaskedLM'],
    attention_dropout: 0.1,
    dim: 16,
    dropout: 0.1,
    hidden_dim: 32,
    initializer_range: 0.02,
    max_position_embeddings: 64,
    model_type: 'distilbert',
    n_heads: 2,
    n_layers: 2,
    pad_token_id: 0,
    qa_dropout: 0.1,
    seq_classif_dropout: 0.2,
    sinusoidal_pos_embds: false,
    tie_weights_: true,
    torch_dtype: 'float32',
    transformers_version: '4.46.3',
    vocab_size: 30522,
    ...overrides,
  };
}

/** Scales chosen so activations are O(1) and logits straddle zero (a realistic SPLADE sparsity pattern). */
const STD = { embedding: 1, linear: 0.35, bias: 0.1, normGain: 0.1, decoderBias: 0.5 };

function linearInto(w: WeightMap, rng: Rng, prefix: string, out: number, inp: number): void {
  w.set(`${prefix}.weight`, rng.tensor([out, inp], STD.linear));
  w.set(`${prefix}.bias`, rng.tensor([out], STD.bias));
}

function normInto(w: WeightMap, rng: Rng, prefix: string, dim: number): void {
  w.set(`${prefix}.weight`, rng.tensor([dim], STD.normGain, 1));
  w.set(`${prefix}.bias`, rng.tensor([dim], STD.bias));
}

function num(config: Record<string, unknown>, key: string): number {
  return config[key] as number;
}

export interface BertWeightOptions {
  /** Write `cls.predictions.decoder.weight` (an untied head). Default: tied, so left out as HF does. */
  untied?: boolean;
  /** Add the extras a BertForPreTraining checkpoint carries: pooler and next-sentence head. */
  pretrainingExtras?: boolean;
  /** Name the decoder bias `cls.predictions.decoder.bias` instead of `cls.predictions.bias`. */
  biasAlias?: boolean;
  /** Name LayerNorm parameters `gamma` / `beta` (TensorFlow-era checkpoints). */
  legacyNorms?: boolean;
}

export function randomBertWeights(config: Record<string, unknown>, seed: number, opts: BertWeightOptions = {}): WeightMap {
  const rng = new Rng(seed);
  const H = num(config, 'hidden_size');
  const V = num(config, 'vocab_size');
  const I = num(config, 'intermediate_size');
  const w: WeightMap = new Map();
  w.set('bert.embeddings.word_embeddings.weight', rng.tensor([V, H], STD.embedding));
  w.set('bert.embeddings.position_embeddings.weight', rng.tensor([num(config, 'max_position_embeddings'), H], STD.embedding));
  w.set('bert.embeddings.token_type_embeddings.weight', rng.tensor([num(config, 'type_vocab_size'), H], STD.embedding));
  normInto(w, rng, 'bert.embeddings.LayerNorm', H);
  for (let i = 0; i < num(config, 'num_hidden_layers'); i++) {
    const l = `bert.encoder.layer.${i}`;
    linearInto(w, rng, `${l}.attention.self.query`, H, H);
    linearInto(w, rng, `${l}.attention.self.key`, H, H);
    linearInto(w, rng, `${l}.attention.self.value`, H, H);
    linearInto(w, rng, `${l}.attention.output.dense`, H, H);
    normInto(w, rng, `${l}.attention.output.LayerNorm`, H);
    linearInto(w, rng, `${l}.intermediate.dense`, I, H);
    linearInto(w, rng, `${l}.output.dense`, H, I);
    normInto(w, rng, `${l}.output.LayerNorm`, H);
  }
  linearInto(w, rng, 'cls.predictions.transform.dense', H, H);
  normInto(w, rng, 'cls.predictions.transform.LayerNorm', H);
  w.set(opts.biasAlias ? 'cls.predictions.decoder.bias' : 'cls.predictions.bias', rng.tensor([V], STD.decoderBias));
  if (opts.untied) w.set('cls.predictions.decoder.weight', rng.tensor([V, H], STD.embedding));
  if (opts.pretrainingExtras) {
    linearInto(w, rng, 'bert.pooler.dense', H, H);
    linearInto(w, rng, 'cls.seq_relationship', 2, H);
  }
  if (opts.legacyNorms) {
    for (const name of [...w.keys()]) {
      if (!name.includes('LayerNorm.')) continue;
      const t = w.get(name)!;
      w.delete(name);
      w.set(name.replace(/\.weight$/, '.gamma').replace(/\.bias$/, '.beta'), t);
    }
  }
  return w;
}

export function randomDistilBertWeights(config: Record<string, unknown>, seed: number, opts: { untied?: boolean } = {}): WeightMap {
  const rng = new Rng(seed);
  const D = num(config, 'dim');
  const V = num(config, 'vocab_size');
  const F = num(config, 'hidden_dim');
  const w: WeightMap = new Map();
  w.set('distilbert.embeddings.word_embeddings.weight', rng.tensor([V, D], STD.embedding));
  w.set('distilbert.embeddings.position_embeddings.weight', rng.tensor([num(config, 'max_position_embeddings'), D], STD.embedding));
  normInto(w, rng, 'distilbert.embeddings.LayerNorm', D);
  for (let i = 0; i < num(config, 'n_layers'); i++) {
    const l = `distilbert.transformer.layer.${i}`;
    for (const n of ['q_lin', 'k_lin', 'v_lin', 'out_lin']) linearInto(w, rng, `${l}.attention.${n}`, D, D);
    normInto(w, rng, `${l}.sa_layer_norm`, D);
    linearInto(w, rng, `${l}.ffn.lin1`, F, D);
    linearInto(w, rng, `${l}.ffn.lin2`, D, F);
    normInto(w, rng, `${l}.output_layer_norm`, D);
  }
  linearInto(w, rng, 'vocab_transform', D, D);
  normInto(w, rng, 'vocab_layer_norm', D);
  w.set('vocab_projector.bias', rng.tensor([V], STD.decoderBias));
  if (opts.untied) w.set('vocab_projector.weight', rng.tensor([V, D], STD.embedding));
  return w;
}

export interface TinyCheckpoint {
  dir: string;
  config: Record<string, unknown>;
  weights: WeightMap;
}

export function writeTinyBert(
  opts: { config?: Record<string, unknown>; seed?: number; tokenizer?: TokenizerFiles; dtype?: WritableDtype; shardBytes?: number } & BertWeightOptions = {},
): TinyCheckpoint {
  const config = bertConfig(opts.untied ? { tie_word_embeddings: false, ...opts.config } : opts.config);
  const weights = randomBertWeights(config, opts.seed ?? 1, opts);
  const dir = writeHfCheckpoint({ config, weights, tokenizer: opts.tokenizer, dtype: opts.dtype, shardBytes: opts.shardBytes });
  return { dir, config, weights };
}

export function writeTinyDistilBert(
  opts: { config?: Record<string, unknown>; seed?: number; tokenizer?: TokenizerFiles; untied?: boolean } = {},
): TinyCheckpoint {
  const config = distilBertConfig(opts.untied ? { tie_word_embeddings: false, ...opts.config } : opts.config);
  const weights = randomDistilBertWeights(config, opts.seed ?? 1, opts);
  const dir = writeHfCheckpoint({ config, weights, tokenizer: opts.tokenizer });
  return { dir, config, weights };
}
