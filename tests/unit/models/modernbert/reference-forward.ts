/**
 * An independent float64 ModernBertForMaskedLM forward in scalar loops, written from the published
 * definition (HF modeling_modernbert.py, eager attention). It reads the snake_case config and HF-layout
 * weights directly and runs ONE unpadded sequence at a time, so padding never enters it.
 */
import type { WeightMap } from '../../../../src/core/models/types.ts';

type Vec = Float64Array;

export interface ReferenceOptions {
  /** Overrides `local_attention` (to show the window matters). */
  localAttention?: number;
}

/** erf to ~1e-15: Maclaurin series for |x| < 3, continued fraction for erfc beyond. */
export function erf64(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
  let frac = ax;
  for (let n = 60; n >= 1; n--) frac = ax + n / 2 / frac;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / frac;
  return Math.sign(x) * (1 - erfc);
}

function act(name: string, x: number): number {
  switch (name) {
    case 'gelu':
      return 0.5 * x * (1 + erf64(x / Math.SQRT2));
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_fast':
      return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    case 'silu':
    case 'swish':
      return x / (1 + Math.exp(-x));
    case 'relu':
      return Math.max(0, x);
    case 'tanh':
      return Math.tanh(x);
    default:
      throw new Error(`reference: unknown activation ${name}`);
  }
}

export function referenceMlmForward(
  cfg: Record<string, unknown>,
  weights: WeightMap,
  ids: number[],
  opts: ReferenceOptions = {},
): { headHidden: Vec[]; logits: Vec[] } {
  const num = (k: string, d: number): number => (typeof cfg[k] === 'number' ? (cfg[k] as number) : d);
  const str = (k: string, d: string): string => (typeof cfg[k] === 'string' ? (cfg[k] as string) : d);
  const H = num('hidden_size', 768);
  const nHeads = num('num_attention_heads', 12);
  const D = H / nHeads;
  const I = num('intermediate_size', 1152);
  const L = num('num_hidden_layers', 22);
  const eps = num('norm_eps', 1e-5);
  const window = Math.floor((opts.localAttention ?? num('local_attention', 128)) / 2);
  const everyN = num('global_attn_every_n_layers', 3);
  const rope = cfg.rope_parameters as Record<string, { rope_theta: number }> | undefined;
  const globalTheta = rope?.full_attention?.rope_theta ?? num('global_rope_theta', 160000);
  const localTheta = rope?.sliding_attention?.rope_theta ?? num('local_rope_theta', 10000);
  const layerTypes = cfg.layer_types as string[] | undefined;
  const isGlobal = (l: number): boolean => (layerTypes ? layerTypes[l] === 'full_attention' : l % everyN === 0);
  const tied = cfg.tie_word_embeddings !== false;
  const S = ids.length;

  const w = (name: string): Float32Array => {
    const t = weights.get(name);
    if (!t) throw new Error(`reference: missing ${name}`);
    return t.data;
  };
  const maybe = (name: string): Float32Array | undefined => weights.get(name)?.data;

  // y[o] = sum_i W[o][i] x[i] + b[o], W in HF layout [out, in]
  const dense = (x: Vec, W: Float32Array, b: Float32Array | undefined, out: number): Vec => {
    const inp = x.length;
    const y = new Float64Array(out);
    for (let o = 0; o < out; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < inp; i++) s += W[o * inp + i] * x[i];
      y[o] = s;
    }
    return y;
  };
  const layerNorm = (x: Vec, prefix: string): Vec => {
    const g = w(`${prefix}.weight`);
    const b = maybe(`${prefix}.bias`);
    let mean = 0;
    for (const v of x) mean += v;
    mean /= x.length;
    let variance = 0;
    for (const v of x) variance += (v - mean) * (v - mean);
    variance /= x.length;
    const inv = 1 / Math.sqrt(variance + eps);
    return x.map((v, i) => (v - mean) * inv * g[i] + (b ? b[i] : 0));
  };
  // rotate_half convention: pairs (j, j + D/2) rotate by angle pos · theta^(-2j/D)
  const rotate = (v: Vec, pos: number, theta: number): Vec => {
    const out = new Float64Array(D);
    for (let j = 0; j < D / 2; j++) {
      const angle = pos * Math.pow(theta, (-2 * j) / D);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      out[j] = v[j] * c - v[j + D / 2] * s;
      out[j + D / 2] = v[j + D / 2] * c + v[j] * s;
    }
    return out;
  };

  const emb = w('model.embeddings.tok_embeddings.weight');
  let hs: Vec[] = ids.map((id) => layerNorm(Float64Array.from(emb.subarray(id * H, (id + 1) * H)), 'model.embeddings.norm'));

  for (let l = 0; l < L; l++) {
    const p = `model.layers.${l}`;
    const global = isGlobal(l);
    const theta = global ? globalTheta : localTheta;
    const normed = l === 0 ? hs : hs.map((x) => layerNorm(x, `${p}.attn_norm`));
    const qkv = normed.map((x) => dense(x, w(`${p}.attn.Wqkv.weight`), maybe(`${p}.attn.Wqkv.bias`), 3 * H));
    const ctx: Vec[] = hs.map(() => new Float64Array(H));
    for (let h = 0; h < nHeads; h++) {
      const q = qkv.map((v, t) => rotate(v.subarray(h * D, (h + 1) * D), t, theta));
      const k = qkv.map((v, t) => rotate(v.subarray(H + h * D, H + (h + 1) * D), t, theta));
      const vv = qkv.map((v) => v.subarray(2 * H + h * D, 2 * H + (h + 1) * D));
      for (let i = 0; i < S; i++) {
        const visible: number[] = [];
        for (let j = 0; j < S; j++) if (global || Math.abs(i - j) <= window) visible.push(j);
        const scores = visible.map((j) => {
          let s = 0;
          for (let d = 0; d < D; d++) s += q[i][d] * k[j][d];
          return s / Math.sqrt(D);
        });
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        visible.forEach((j, n) => {
          for (let d = 0; d < D; d++) ctx[i][h * D + d] += (e[n] / z) * vv[j][d];
        });
      }
    }
    hs = hs.map((x, t) => {
      const a = dense(ctx[t], w(`${p}.attn.Wo.weight`), maybe(`${p}.attn.Wo.bias`), H);
      return x.map((v, i) => v + a[i]);
    });
    hs = hs.map((x) => {
      const wi = dense(layerNorm(x, `${p}.mlp_norm`), w(`${p}.mlp.Wi.weight`), maybe(`${p}.mlp.Wi.bias`), 2 * I);
      const gated = new Float64Array(I);
      for (let i = 0; i < I; i++) gated[i] = act(str('hidden_activation', 'gelu'), wi[i]) * wi[I + i];
      const o = dense(gated, w(`${p}.mlp.Wo.weight`), maybe(`${p}.mlp.Wo.bias`), H);
      return x.map((v, i) => v + o[i]);
    });
  }
  hs = hs.map((x) => layerNorm(x, 'model.final_norm'));
  const headHidden = hs.map((x) => {
    const d = dense(x, w('head.dense.weight'), maybe('head.dense.bias'), H);
    return layerNorm(d.map((v) => act(str('classifier_activation', 'gelu'), v)), 'head.norm');
  });
  const decoder = tied ? emb : w('decoder.weight');
  const V = num('vocab_size', 50368);
  const logits = headHidden.map((x) => dense(x, decoder, maybe('decoder.bias'), V));
  return { headHidden, logits };
}
