/** Float64 building blocks for reference implementations written from the published definitions. */

/** erf by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7, ample for float32 comparisons). */
export function erf(x: number): number {
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const y = 1 - poly * Math.exp(-a * a);
  return x < 0 ? -y : y;
}

/** Exact GELU, x·Φ(x). */
export const gelu = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));

export function layerNorm(x: number[], gamma: ArrayLike<number>, beta: ArrayLike<number>, eps: number): number[] {
  const n = x.length;
  const mean = x.reduce((s, v) => s + v, 0) / n;
  const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  const r = 1 / Math.sqrt(variance + eps);
  return x.map((v, i) => (v - mean) * r * gamma[i]! + beta[i]!);
}

/** y = W·x + b with W [out, in] row-major (the Hugging Face nn.Linear layout). */
export function linear(x: number[], w: ArrayLike<number>, b: ArrayLike<number> | undefined, out: number): number[] {
  const inp = x.length;
  const y: number[] = [];
  for (let o = 0; o < out; o++) {
    let s = b ? b[o]! : 0;
    for (let i = 0; i < inp; i++) s += w[o * inp + i]! * x[i]!;
    y.push(s);
  }
  return y;
}

export function softmax(xs: number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}
