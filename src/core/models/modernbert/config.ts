import { InputError } from '../../errors.ts';

export const MODERNBERT_ARCHITECTURE = 'ModernBertForMaskedLM';

/** The activations HF's ACT2FN maps these names to, as far as ModernBERT checkpoints use them. */
export const ACTIVATIONS = ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'gelu_fast', 'relu', 'silu', 'swish', 'tanh'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export type LayerKind = 'global' | 'local';

/**
 * A ModernBERT config in camelCase, with the defaults of HF's `ModernBertConfig` filled in.
 * Only the fields the forward pass and the head need; `raw` keeps the file as read for re-export.
 */
export interface ModernBertConfig {
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  headDim: number;
  hiddenActivation: ActivationName;
  classifierActivation: ActivationName;
  maxPositions: number;
  normEps: number;
  normBias: boolean;
  attentionBias: boolean;
  mlpBias: boolean;
  decoderBias: boolean;
  classifierBias: boolean;
  /** Total local window: a local layer lets token i see j when |i - j| <= localAttention / 2 (floored). */
  localAttention: number;
  /** Per layer: global (full attention, `globalRopeTheta`) or local (sliding window, `localRopeTheta`). */
  layerKinds: LayerKind[];
  globalRopeTheta: number;
  localRopeTheta: number;
  embeddingDropout: number;
  attentionDropout: number;
  mlpDropout: number;
  padTokenId: number;
  tieWordEmbeddings: boolean;
  raw: Record<string, unknown>;
}

class ConfigReader {
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly source: string,
  ) {}

  fail(field: string, message: string): never {
    throw new InputError(message, { file: this.source, field });
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  number(key: string, fallback: number, check: (v: number) => boolean = Number.isFinite, what = 'a number'): number {
    if (!this.has(key)) return fallback;
    const v = this.raw[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) this.fail(key, `expected ${what}, got ${JSON.stringify(v)}`);
    return v;
  }

  positiveInt(key: string, fallback: number): number {
    return this.number(key, fallback, (v) => Number.isInteger(v) && v > 0, 'a positive integer');
  }

  rate(key: string, fallback: number): number {
    return this.number(key, fallback, (v) => v >= 0 && v < 1, 'a dropout rate in [0, 1)');
  }

  bool(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const v = this.raw[key];
    if (typeof v !== 'boolean') this.fail(key, `expected true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  activation(key: string, fallback: ActivationName): ActivationName {
    if (!this.has(key)) return fallback;
    const v = this.raw[key];
    if (typeof v !== 'string' || !(ACTIVATIONS as readonly string[]).includes(v)) {
      this.fail(key, `unsupported activation ${JSON.stringify(v)} (supported: ${ACTIVATIONS.join(', ')})`);
    }
    return v as ActivationName;
  }

  object(key: string): Record<string, unknown> | undefined {
    if (!this.has(key)) return undefined;
    const v = this.raw[key];
    if (typeof v !== 'object' || Array.isArray(v)) this.fail(key, 'expected an object');
    return v as Record<string, unknown>;
  }
}

/**
 * Layer kinds: `layer_types` when the config has it (transformers ≥ 5 writes it), otherwise every
 * `global_attn_every_n_layers`-th layer, counting from layer 0, is global.
 */
function readLayerKinds(r: ConfigReader, raw: Record<string, unknown>, numLayers: number): LayerKind[] {
  if (r.has('layer_types')) {
    const types = raw.layer_types;
    if (!Array.isArray(types) || types.length !== numLayers) {
      r.fail('layer_types', `expected a list of ${numLayers} layer types`);
    }
    return types.map((t: unknown) => {
      if (t === 'full_attention') return 'global';
      if (t === 'sliding_attention') return 'local';
      return r.fail('layer_types', `unknown layer type ${JSON.stringify(t)} (full_attention or sliding_attention)`);
    });
  }
  const every = r.positiveInt('global_attn_every_n_layers', 3);
  return Array.from({ length: numLayers }, (_, i) => (i % every === 0 ? 'global' : 'local'));
}

/** RoPE bases: `rope_parameters.{full,sliding}_attention.rope_theta` (transformers ≥ 5), else the flat keys. */
function readRopeTheta(r: ConfigReader, kind: 'full_attention' | 'sliding_attention', flatKey: string, fallback: number): number {
  const params = r.object('rope_parameters');
  const entry = params?.[kind];
  if (entry !== undefined && entry !== null) {
    if (typeof entry !== 'object') r.fail(`rope_parameters.${kind}`, 'expected an object');
    const e = entry as Record<string, unknown>;
    const type = e.rope_type ?? 'default';
    if (type !== 'default') r.fail(`rope_parameters.${kind}.rope_type`, `only "default" RoPE is supported, got ${JSON.stringify(type)}`);
    if (e.rope_theta !== undefined) {
      if (typeof e.rope_theta !== 'number' || !(e.rope_theta > 0)) r.fail(`rope_parameters.${kind}.rope_theta`, 'expected a positive number');
      return e.rope_theta;
    }
  }
  return r.number(flatKey, fallback, (v) => v > 0, 'a positive number');
}

/** Reads a ModernBERT config.json object; `source` names the file in errors. Defaults are HF's. */
export function parseModernBertConfig(raw: Record<string, unknown>, source: string): ModernBertConfig {
  const r = new ConfigReader(raw, source);
  const hiddenSize = r.positiveInt('hidden_size', 768);
  const numHeads = r.positiveInt('num_attention_heads', 12);
  if (hiddenSize % numHeads !== 0) {
    r.fail('num_attention_heads', `hidden_size ${hiddenSize} is not a multiple of num_attention_heads ${numHeads}`);
  }
  const headDim = hiddenSize / numHeads;
  if (headDim % 2 !== 0) r.fail('num_attention_heads', `head size ${headDim} must be even for rotary embeddings`);
  const numLayers = r.positiveInt('num_hidden_layers', 22);
  const localAttention = r.positiveInt('local_attention', 128);
  if (r.has('rope_scaling')) r.fail('rope_scaling', 'RoPE scaling is not supported');
  const globalRopeTheta = readRopeTheta(r, 'full_attention', 'global_rope_theta', 160_000);
  // transformers 4.x: an explicit `local_rope_theta: null` makes local layers use the global base.
  const localRopeTheta =
    raw.local_rope_theta === null && raw.rope_parameters === undefined
      ? globalRopeTheta
      : readRopeTheta(r, 'sliding_attention', 'local_rope_theta', 10_000);
  return {
    vocabSize: r.positiveInt('vocab_size', 50368),
    hiddenSize,
    intermediateSize: r.positiveInt('intermediate_size', 1152),
    numLayers,
    numHeads,
    headDim,
    hiddenActivation: r.activation('hidden_activation', 'gelu'),
    classifierActivation: r.activation('classifier_activation', 'gelu'),
    maxPositions: r.positiveInt('max_position_embeddings', 8192),
    normEps: r.number('norm_eps', 1e-5, (v) => v > 0, 'a positive number'),
    normBias: r.bool('norm_bias', false),
    attentionBias: r.bool('attention_bias', false),
    mlpBias: r.bool('mlp_bias', false),
    decoderBias: r.bool('decoder_bias', true),
    classifierBias: r.bool('classifier_bias', false),
    localAttention,
    layerKinds: readLayerKinds(r, raw, numLayers),
    globalRopeTheta,
    localRopeTheta,
    embeddingDropout: r.rate('embedding_dropout', 0),
    attentionDropout: r.rate('attention_dropout', 0),
    mlpDropout: r.rate('mlp_dropout', 0),
    padTokenId: r.number('pad_token_id', 50283, (v) => Number.isInteger(v) && v >= 0, 'a token id'),
    tieWordEmbeddings: r.bool('tie_word_embeddings', true),
    raw,
  };
}
