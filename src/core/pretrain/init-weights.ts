import { InputError } from '../errors.ts';
import { parseBertConfig } from '../models/bert/config.ts';
import { parseModernBertConfig } from '../models/modernbert/config.ts';
import { DECODER_WEIGHT, paramSpecs } from '../models/modernbert/params.ts';
import type { RawTensor, WeightMap } from '../models/types.ts';
import type { Rng } from '../train/rng.ts';

/*
 * Fresh weights for a config, drawn as transformers' `_init_weights` draws them when a model is built with
 * `from_config`, in `save_pretrained` naming and layout. Values come from the run's seeded Rng, so the
 * same seed gives the same initial model.
 */

function numberField(config: Record<string, unknown>, key: string, fallback: number, file: string): number {
  const v = config[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`expected a number, got ${JSON.stringify(v)}`, { file, field: key });
  return v;
}

function initializerRange(config: Record<string, unknown>, file: string): number {
  const std = numberField(config, 'initializer_range', 0.02, file);
  if (!(std > 0)) throw new InputError(`expected a positive number, got ${std}`, { file, field: 'initializer_range' });
  return std;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function normal(shape: number[], std: number, rng: Rng): RawTensor {
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = std * rng.normal();
  return { shape, data };
}

/** N(0, std²) truncated to [−cutoff·std, cutoff·std] (torch's `trunc_normal_` with a = −b), by rejection. */
function truncatedNormal(shape: number[], std: number, cutoff: number, rng: Rng): RawTensor {
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    let z: number;
    do z = rng.normal();
    while (Math.abs(z) > cutoff);
    data[i] = std * z;
  }
  return { shape, data };
}

const constant = (shape: number[], value: number): RawTensor => ({ shape, data: new Float32Array(sizeOf(shape)).fill(value) });

/**
 * ModernBertPreTrainedModel._init_weights: truncated normal (cutoff `initializer_cutoff_factor`, 2 by
 * default, 3 when null) with std `initializer_range` for the token embeddings, Wqkv and Wi ("in"), std
 * `initializer_range / √(2·layers)` for both Wo and the head's dense ("out"); biases 0; LayerNorm
 * weights 1. An untied decoder weight gets the "out" std; a tied one is the embedding matrix (transformers
 * 4.x ties after initializing, so the embedding's draw is what remains).
 */
export function initModernBertWeights(config: Record<string, unknown>, file: string, rng: Rng): WeightMap {
  const cfg = parseModernBertConfig(config, file);
  const range = initializerRange(config, file);
  const cutoffRaw = config.initializer_cutoff_factor;
  const cutoff = cutoffRaw === null ? 3 : numberField(config, 'initializer_cutoff_factor', 2, file);
  if (!(cutoff > 0)) throw new InputError(`expected a positive number, got ${cutoff}`, { file, field: 'initializer_cutoff_factor' });
  const out = range / Math.sqrt(2 * cfg.numLayers);
  const stdOf = (name: string): number | undefined => {
    if (name === 'model.embeddings.tok_embeddings.weight') return range;
    if (/\.(attn\.Wqkv|mlp\.Wi)\.weight$/.test(name)) return range;
    if (/\.(attn\.Wo|mlp\.Wo)\.weight$/.test(name) || name === 'head.dense.weight' || name === DECODER_WEIGHT) return out;
    return undefined;
  };
  const specs = paramSpecs(cfg).map((s) => ({ name: s.name, shape: s.shape }));
  if (!cfg.tieWordEmbeddings) specs.push({ name: DECODER_WEIGHT, shape: [cfg.vocabSize, cfg.hiddenSize] });
  const weights: WeightMap = new Map();
  for (const { name, shape } of specs) {
    const std = stdOf(name);
    if (std !== undefined) weights.set(name, truncatedNormal(shape, std, cutoff, rng));
    else if (name.endsWith('.bias')) weights.set(name, constant(shape, 0));
    else if (/norm\.weight$/.test(name)) weights.set(name, constant(shape, 1));
    else throw new Error(`internal: no initialization rule for ${name}`);
  }
  return weights;
}

/**
 * BertPreTrainedModel._init_weights: every Linear and Embedding weight N(0, initializer_range²) (plain,
 * not truncated), the padding row of the word embeddings zeroed, biases 0, LayerNorm weight 1 and bias 0,
 * the MLM head's bias 0. Tied (the default): the decoder is the word-embedding matrix.
 */
export function initBertWeights(config: Record<string, unknown>, file: string, rng: Rng): WeightMap {
  const std = initializerRange(config, file);
  const c = parseBertConfig(config, file);
  const [vocab, h, layers, inter] = [c.vocabSize, c.hiddenSize, c.numHiddenLayers, c.intermediateSize];
  const pad = c.padTokenId;
  const weights: WeightMap = new Map();
  const dense = (prefix: string, outDim: number, inDim: number): void => {
    weights.set(`${prefix}.weight`, normal([outDim, inDim], std, rng));
    weights.set(`${prefix}.bias`, constant([outDim], 0));
  };
  const norm = (prefix: string): void => {
    weights.set(`${prefix}.weight`, constant([h], 1));
    weights.set(`${prefix}.bias`, constant([h], 0));
  };
  const words = normal([vocab, h], std, rng);
  if (pad < vocab) words.data.fill(0, pad * h, (pad + 1) * h);
  weights.set('bert.embeddings.word_embeddings.weight', words);
  weights.set('bert.embeddings.position_embeddings.weight', normal([c.maxPositionEmbeddings, h], std, rng));
  weights.set('bert.embeddings.token_type_embeddings.weight', normal([c.typeVocabSize, h], std, rng));
  norm('bert.embeddings.LayerNorm');
  for (let i = 0; i < layers; i++) {
    const l = `bert.encoder.layer.${i}`;
    dense(`${l}.attention.self.query`, h, h);
    dense(`${l}.attention.self.key`, h, h);
    dense(`${l}.attention.self.value`, h, h);
    dense(`${l}.attention.output.dense`, h, h);
    norm(`${l}.attention.output.LayerNorm`);
    dense(`${l}.intermediate.dense`, inter, h);
    dense(`${l}.output.dense`, h, inter);
    norm(`${l}.output.LayerNorm`);
  }
  dense('cls.predictions.transform.dense', h, h);
  norm('cls.predictions.transform.LayerNorm');
  weights.set('cls.predictions.bias', constant([vocab], 0));
  if (!c.tieWordEmbeddings) weights.set('cls.predictions.decoder.weight', normal([vocab, h], std, rng));
  return weights;
}
