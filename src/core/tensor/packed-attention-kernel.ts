import { embeddedWasm, type WasmMemory } from './embedded-wasm.ts';
import { SMALL_GEMM_WASM } from './wasm/small-gemm-wasm.ts';

/*
 * Packed self-attention without dropout on plain arrays, for packedSelfAttention: per sequence and head,
 * S = q·kᵀ·scale (+ band bias), P = softmax(S), O = P·v; backward dP = dO·vᵀ,
 * dS = P ∘ (dP − rowsum(dP ∘ P))·scale, dq = dS·k, dk = dSᵀ·q, dv = Pᵀ·dO. The products run in a small SIMD
 * GEMM (wasm/small-gemm.wat) on copies of one head's slices; the softmax and the elementwise steps are plain
 * loops. Doing a whole batch in one call spares the ~20 tfjs kernels per sequence and head (each with its own
 * dispatch and copies) that the same work takes as tensor ops.
 */

interface GemmExports {
  memory: WasmMemory;
  gemm(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void;
}

const kernels = embeddedWasm<GemmExports>(SMALL_GEMM_WASM);

/** One sequence: packed rows [start, start + len); `bias` [len × len] is added to the scaled scores. */
export interface KernelSequence {
  start: number;
  len: number;
  bias?: Float32Array;
}

export interface AttentionShape {
  heads: number;
  /** Head size d; hidden = heads·d. */
  dim: number;
  scale: number;
}

const ceil8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Scratch regions (element offsets into one Float32Array over the module memory) for sequences up to maxLen. */
class Scratch {
  readonly f: Float32Array;
  readonly d8: number;
  readonly l8: number;
  private readonly at = new Map<string, number>();

  constructor(k: GemmExports, maxLen: number, dim: number, names: { rowsByDim: string[]; dimByRows: string[]; square: string[] }) {
    this.d8 = ceil8(dim);
    this.l8 = ceil8(Math.max(1, maxLen));
    let next = 0;
    const place = (name: string, size: number): void => {
      this.at.set(name, next);
      next += Math.ceil(size / 4) * 4;
    };
    for (const n of names.rowsByDim) place(n, this.l8 * this.d8);
    for (const n of names.dimByRows) place(n, this.d8 * this.l8);
    for (const n of names.square) place(n, this.l8 * this.l8);
    const bytes = next * 4;
    const have = k.memory.buffer.byteLength;
    if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
    this.f = new Float32Array(k.memory.buffer);
  }

  /** Element offset of a region. */
  of(name: string): number {
    return this.at.get(name)!;
  }
}

/** rows i < len of head h's part `part` (0 q, 1 k, 2 v) of qkv [tokens × 3·hidden] → dst [len × ld]. */
function gatherHead(qkv: Float32Array, start: number, len: number, offset: number, dim: number, rowStride: number, dst: Float32Array, at: number, ld: number): void {
  for (let i = 0; i < len; i++) {
    const src = (start + i) * rowStride + offset;
    dst.set(qkv.subarray(src, src + dim), at + i * ld);
  }
}

/** dst[c][i] = src[i][c] for i < rows, c < cols (leading dimensions lds, ldd). */
function transpose(f: Float32Array, src: number, lds: number, rows: number, cols: number, dst: number, ldd: number): void {
  for (let i = 0; i < rows; i++) {
    const row = src + i * lds;
    for (let c = 0; c < cols; c++) f[dst + c * ldd + i] = f[row + c]!;
  }
}

/** C = A·B for a [m × k], b [k × n] at element offsets (leading dimensions in elements). */
function gemm(k: GemmExports, m: number, n: number, kk: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void {
  k.gemm(m, n, kk, a * 4, lda, b * 4, ldb, c * 4, ldc);
}

/**
 * Forward over every sequence and head. qkv [tokens × 3·hidden] (q | k | v per row, heads side by side).
 * Returns the context [tokens × hidden] (rows of no sequence stay 0) and, per sequence and head (index
 * i·heads + h), the probabilities P [len × len] that `attentionBackward` needs.
 */
export function attentionForward(qkv: Float32Array, tokens: number, seqs: readonly KernelSequence[], s: AttentionShape): { out: Float32Array; probs: Float32Array[] } {
  const { heads, dim, scale } = s;
  const hidden = heads * dim;
  const out = new Float32Array(tokens * hidden);
  const probs: Float32Array[] = [];
  const maxLen = Math.max(0, ...seqs.map((q) => q.len));
  if (maxLen === 0) return { out, probs };
  const k = kernels();
  const m = new Scratch(k, maxLen, dim, { rowsByDim: ['q', 'v', 'o'], dimByRows: ['kT'], square: ['s'] });
  const { f, d8, l8 } = m;
  const [q, v, o, kT, sc] = [m.of('q'), m.of('v'), m.of('o'), m.of('kT'), m.of('s')];
  for (const { start, len, bias } of seqs) {
    for (let h = 0; h < heads; h++) {
      gatherHead(qkv, start, len, h * dim, dim, 3 * hidden, f, q, d8);
      gatherHead(qkv, start, len, 2 * hidden + h * dim, dim, 3 * hidden, f, v, d8);
      // kᵀ [d × len]: straight from qkv.
      for (let i = 0; i < len; i++) {
        const src = (start + i) * 3 * hidden + hidden + h * dim;
        for (let c = 0; c < dim; c++) f[kT + c * l8 + i] = qkv[src + c]!;
      }
      gemm(k, len, len, dim, q, d8, kT, l8, sc, l8);
      const p = new Float32Array(len * len);
      for (let i = 0; i < len; i++) {
        const row = sc + i * l8;
        let max = -Infinity;
        for (let j = 0; j < len; j++) {
          const x = f[row + j]! * scale + (bias ? bias[i * len + j]! : 0);
          f[row + j] = x;
          if (x > max) max = x;
        }
        let sum = 0;
        for (let j = 0; j < len; j++) {
          const e = Math.exp(f[row + j]! - max);
          f[row + j] = e;
          sum += e;
        }
        for (let j = 0; j < len; j++) f[row + j] = f[row + j]! / sum;
        p.set(f.subarray(row, row + len), i * len);
      }
      probs.push(p);
      gemm(k, len, dim, len, sc, l8, v, d8, o, d8);
      for (let i = 0; i < len; i++) out.set(f.subarray(o + i * d8, o + i * d8 + dim), (start + i) * hidden + h * dim);
    }
  }
  return { out, probs };
}

/**
 * Backward of `attentionForward`: given qkv, the upstream gradient dy [tokens × hidden] and the saved
 * probabilities, the gradient [tokens × 3·hidden] (dq | dk | dv per row; 0 in rows of no sequence).
 */
export function attentionBackward(qkv: Float32Array, dy: Float32Array, tokens: number, seqs: readonly KernelSequence[], probs: readonly Float32Array[], s: AttentionShape): Float32Array {
  const { heads, dim, scale } = s;
  const hidden = heads * dim;
  const grad = new Float32Array(tokens * 3 * hidden);
  const maxLen = Math.max(0, ...seqs.map((q) => q.len));
  if (maxLen === 0) return grad;
  const k = kernels();
  const m = new Scratch(k, maxLen, dim, { rowsByDim: ['q', 'k', 'dO', 'r'], dimByRows: ['vT'], square: ['p', 'pT', 'dS', 'dST'] });
  const { f, d8, l8 } = m;
  const [q, kk, dO, r, vT, p, pT, dS, dST] = ['q', 'k', 'dO', 'r', 'vT', 'p', 'pT', 'dS', 'dST'].map((n) => m.of(n)) as [
    number, number, number, number, number, number, number, number, number,
  ];
  const put = (start: number, len: number, offset: number): void => {
    for (let i = 0; i < len; i++) grad.set(f.subarray(r + i * d8, r + i * d8 + dim), (start + i) * 3 * hidden + offset);
  };
  seqs.forEach(({ start, len }, si) => {
    for (let h = 0; h < heads; h++) {
      const probsHead = probs[si * heads + h]!;
      gatherHead(qkv, start, len, h * dim, dim, 3 * hidden, f, q, d8);
      gatherHead(qkv, start, len, hidden + h * dim, dim, 3 * hidden, f, kk, d8);
      gatherHead(dy, start, len, h * dim, dim, hidden, f, dO, d8);
      for (let i = 0; i < len; i++) {
        const src = (start + i) * 3 * hidden + 2 * hidden + h * dim;
        for (let c = 0; c < dim; c++) f[vT + c * l8 + i] = qkv[src + c]!;
        f.set(probsHead.subarray(i * len, (i + 1) * len), p + i * l8);
      }
      // dP = dO·vᵀ, then dS = P ∘ (dP − rowsum(dP ∘ P))·scale in place.
      gemm(k, len, len, dim, dO, d8, vT, l8, dS, l8);
      for (let i = 0; i < len; i++) {
        const pr = p + i * l8;
        const dr = dS + i * l8;
        let dot = 0;
        for (let j = 0; j < len; j++) dot += f[dr + j]! * f[pr + j]!;
        for (let j = 0; j < len; j++) f[dr + j] = f[pr + j]! * (f[dr + j]! - dot) * scale;
      }
      gemm(k, len, dim, len, dS, l8, kk, d8, r, d8);
      put(start, len, h * dim);
      transpose(f, dS, l8, len, len, dST, l8);
      gemm(k, len, dim, len, dST, l8, q, d8, r, d8);
      put(start, len, hidden + h * dim);
      transpose(f, p, l8, len, len, pT, l8);
      gemm(k, len, dim, len, pT, l8, dO, d8, r, d8);
      put(start, len, 2 * hidden + h * dim);
    }
  });
  return grad;
}
