import type { WeightMap } from '../../src/core/models/types.ts';

/**
 * Plain float64 reference forwards of BertForMaskedLM and DistilBertForMaskedLM, written from the published
 * definitions with scalar loops (no tfjs): they check the tfjs models independently. Attention over padded
 * keys is left out of the softmax, which is what transformers' additive float32-min mask amounts to.
 */

type Vec = Float64Array;

/** erf via the everywhere-convergent series 2/√π·e^{-x²}·Σ 2ⁿx^{2n+1}/(1·3·…·(2n+1)) (no cancellation). */
export function erf(x: number): number {
  if (x < 0) return -erf(-x);
  if (x > 6) return 1;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

function get(weights: WeightMap, name: string): Float32Array {
  const t = weights.get(name);
  if (!t) throw new Error(`reference: missing ${name}`);
  return t.data;
}

/** y = W·x + b with W stored [out, in] (torch Linear). */
function linear(weights: WeightMap, prefix: string, x: Vec, out: number): Vec {
  const w = get(weights, `${prefix}.weight`);
  const b = get(weights, `${prefix}.bias`);
  const inp = x.length;
  const y = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    let s = b[o]!;
    for (let i = 0; i < inp; i++) s += w[o * inp + i]! * x[i]!;
    y[o] = s;
  }
  return y;
}

function layerNorm(weights: WeightMap, prefix: string, x: Vec, eps: number): Vec {
  const g = get(weights, `${prefix}.weight`);
  const b = get(weights, `${prefix}.bias`);
  const n = x.length;
  let mean = 0;
  for (const v of x) mean += v;
  mean /= n;
  let variance = 0;
  for (const v of x) variance += (v - mean) ** 2;
  variance /= n;
  const inv = 1 / Math.sqrt(variance + eps);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = (x[i]! - mean) * inv * g[i]! + b[i]!;
  return y;
}

function add(a: Vec, b: Vec): Vec {
  const y = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) y[i] = a[i]! + b[i]!;
  return y;
}

function row(data: Float32Array, r: number, width: number): Vec {
  return Float64Array.from(data.subarray(r * width, (r + 1) * width));
}

/** Multi-head self-attention of one sequence over its first `len` (non-padding) keys. */
function attention(q: Vec[], k: Vec[], v: Vec[], len: number, heads: number): Vec[] {
  const H = q[0]!.length;
  const d = H / heads;
  const out = q.map(() => new Float64Array(H));
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < q.length; i++) {
      const scores: number[] = [];
      for (let j = 0; j < len; j++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += q[i]![h * d + c]! * k[j]![h * d + c]!;
        scores.push(s / Math.sqrt(d));
      }
      const m = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - m));
      const z = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < len; j++) {
        const p = e[j]! / z;
        for (let c = 0; c < d; c++) out[i]![h * d + c]! += p * v[j]![h * d + c]!;
      }
    }
  }
  return out;
}

/** Right padding: the mask is 1 for the first `len` tokens. */
function lengthOf(mask: number[]): number {
  const len = mask.indexOf(0);
  return len < 0 ? mask.length : len;
}

export interface ReferenceOutput {
  /** [batch][seq] → hidden after the MLM transform. */
  headHidden: Vec[][];
  /** [batch][seq] → logits over the vocabulary. */
  logits: Vec[][];
}

function logitsOf(head: Vec, decoder: Float32Array, bias: Float32Array, vocab: number): Vec {
  const H = head.length;
  const y = new Float64Array(vocab);
  for (let t = 0; t < vocab; t++) {
    let s = bias[t]!;
    for (let i = 0; i < H; i++) s += decoder[t * H + i]! * head[i]!;
    y[t] = s;
  }
  return y;
}

export function referenceBert(config: Record<string, unknown>, weights: WeightMap, ids: number[][], mask: number[][]): ReferenceOutput {
  const H = config.hidden_size as number;
  const V = config.vocab_size as number;
  const heads = config.num_attention_heads as number;
  const eps = config.layer_norm_eps as number;
  const I = config.intermediate_size as number;
  const word = get(weights, 'bert.embeddings.word_embeddings.weight');
  const pos = get(weights, 'bert.embeddings.position_embeddings.weight');
  const type = get(weights, 'bert.embeddings.token_type_embeddings.weight');
  const tied = config.tie_word_embeddings !== false;
  const decoder = tied ? word : get(weights, 'cls.predictions.decoder.weight');
  const bias = weights.has('cls.predictions.bias') ? get(weights, 'cls.predictions.bias') : get(weights, 'cls.predictions.decoder.bias');
  const out: ReferenceOutput = { headHidden: [], logits: [] };
  ids.forEach((seqIds, b) => {
    const len = lengthOf(mask[b]!);
    let x = seqIds.map((id, t) => layerNorm(weights, 'bert.embeddings.LayerNorm', add(add(row(word, id, H), row(type, 0, H)), row(pos, t, H)), eps));
    for (let l = 0; l < (config.num_hidden_layers as number); l++) {
      const p = `bert.encoder.layer.${l}`;
      const q = x.map((h) => linear(weights, `${p}.attention.self.query`, h, H));
      const k = x.map((h) => linear(weights, `${p}.attention.self.key`, h, H));
      const v = x.map((h) => linear(weights, `${p}.attention.self.value`, h, H));
      const ctx = attention(q, k, v, len, heads);
      const a = ctx.map((c, t) => layerNorm(weights, `${p}.attention.output.LayerNorm`, add(linear(weights, `${p}.attention.output.dense`, c, H), x[t]!), eps));
      x = a.map((h) => {
        const inner = linear(weights, `${p}.intermediate.dense`, h, I).map(gelu);
        return layerNorm(weights, `${p}.output.LayerNorm`, add(linear(weights, `${p}.output.dense`, inner, H), h), eps);
      });
    }
    const head = x.map((h) =>
      layerNorm(weights, 'cls.predictions.transform.LayerNorm', linear(weights, 'cls.predictions.transform.dense', h, H).map(gelu), eps),
    );
    out.headHidden.push(head);
    out.logits.push(head.map((h) => logitsOf(h, decoder, bias, V)));
  });
  return out;
}

export function referenceDistilBert(config: Record<string, unknown>, weights: WeightMap, ids: number[][], mask: number[][]): ReferenceOutput {
  const D = config.dim as number;
  const V = config.vocab_size as number;
  const heads = config.n_heads as number;
  const F = config.hidden_dim as number;
  const eps = 1e-12;
  const word = get(weights, 'distilbert.embeddings.word_embeddings.weight');
  const pos = get(weights, 'distilbert.embeddings.position_embeddings.weight');
  const decoder = config.tie_word_embeddings === false ? get(weights, 'vocab_projector.weight') : word;
  const bias = get(weights, 'vocab_projector.bias');
  const out: ReferenceOutput = { headHidden: [], logits: [] };
  ids.forEach((seqIds, b) => {
    const len = lengthOf(mask[b]!);
    let x = seqIds.map((id, t) => layerNorm(weights, 'distilbert.embeddings.LayerNorm', add(row(word, id, D), row(pos, t, D)), eps));
    for (let l = 0; l < (config.n_layers as number); l++) {
      const p = `distilbert.transformer.layer.${l}`;
      const q = x.map((h) => linear(weights, `${p}.attention.q_lin`, h, D));
      const k = x.map((h) => linear(weights, `${p}.attention.k_lin`, h, D));
      const v = x.map((h) => linear(weights, `${p}.attention.v_lin`, h, D));
      const ctx = attention(q, k, v, len, heads);
      const sa = ctx.map((c, t) => layerNorm(weights, `${p}.sa_layer_norm`, add(linear(weights, `${p}.attention.out_lin`, c, D), x[t]!), eps));
      x = sa.map((h) => {
        const inner = linear(weights, `${p}.ffn.lin1`, h, F).map(gelu);
        return layerNorm(weights, `${p}.output_layer_norm`, add(linear(weights, `${p}.ffn.lin2`, inner, D), h), eps);
      });
    }
    const head = x.map((h) => layerNorm(weights, 'vocab_layer_norm', linear(weights, 'vocab_transform', h, D).map(gelu), eps));
    out.headHidden.push(head);
    out.logits.push(head.map((h) => logitsOf(h, decoder, bias, V)));
  });
  return out;
}

/** SPLADE by its definition: max over non-padding tokens of log(1 + relu(logit)), per vocabulary entry. */
export function referenceSplade(logits: Vec[], len: number): Vec {
  const V = logits[0]!.length;
  const w = new Float64Array(V);
  for (let j = 0; j < V; j++) {
    let m = 0;
    for (let t = 0; t < len; t++) m = Math.max(m, Math.log1p(Math.max(0, logits[t]![j]!)));
    w[j] = m;
  }
  return w;
}

/**
 * |a − b| ≤ abs + rel·max(|b|, scale) for every element; returns the worst violation ratio (≤ 1 passes).
 * `scale` (per element or one number) is the magnitude of the terms that produced b: a logit near zero is the
 * cancellation of a sum of O(1) products, so float32 — transformers' float32 included — can only get it to
 * `rel` of those terms, not of the tiny result.
 */
export function worstRatio(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  opts: { rel?: number; abs?: number; scale?: number | ArrayLike<number> } = {},
): number {
  const rel = opts.rel ?? 1e-4;
  const abs = opts.abs ?? 1e-5;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const s = opts.scale === undefined ? 0 : typeof opts.scale === 'number' ? opts.scale : opts.scale[i]!;
    const r = Math.abs(actual[i]! - expected[i]!) / (abs + rel * Math.max(Math.abs(expected[i]!), s));
    if (!(r <= worst)) worst = r; // NaN propagates as a failure
  }
  return worst;
}

/** Root mean square of each row of `rows` repeated over the row: the scale of a token's logits. */
export function rowRms(rows: Float64Array[]): Float64Array {
  const width = rows[0]!.length;
  const out = new Float64Array(rows.length * width);
  rows.forEach((r, i) => {
    let ss = 0;
    for (const v of r) ss += v * v;
    out.fill(Math.sqrt(ss / width), i * width, (i + 1) * width);
  });
  return out;
}
