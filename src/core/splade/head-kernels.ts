import { embeddedWasm, type WasmMemory } from '../tensor/embedded-wasm.ts';
import { SPARSE_HEAD_WASM } from './wasm/sparse-head-wasm.ts';

/*
 * The two loops of the max-first SPLADE head that no tfjs kernel expresses, as WebAssembly SIMD
 * (wasm/sparse-head.wat): folding token rows of logits into a running max/argmax, and the sparse backward.
 * Inputs are copied into the module's own memory, which grows as needed and is reused by every call (one
 * instance per thread). Shapes the SIMD code cannot take (vocabulary < 4, hidden size not a multiple of 4) go
 * through plain loops with the same semantics.
 */

interface HeadExports {
  memory: WasmMemory;
  backward(
    V: number, B: number, H: number, w: number, rows: number, g: number, idx: number, dw: number, drows: number, dbias: number,
  ): void;
  segmentMax(V: number, x: number, rowBase: number, nSegs: number, segs: number, max: number, arg: number): void;
  packBlocks(V: number, H: number, w: number, out: number): void;
  projectMax(Vp: number, H: number, x: number, wp: number, nSegs: number, segs: number, max: number, arg: number): void;
}

const kernels = embeddedWasm<HeadExports>(SPARSE_HEAD_WASM);

/** Byte offsets of consecutive regions (16-byte aligned) in the module memory, grown to fit. */
function reserve(k: HeadExports, sizes: number[]): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (const s of sizes) {
    offsets.push(at);
    at += Math.ceil((s * 4) / 16) * 16;
  }
  const have = k.memory.buffer.byteLength;
  if (at > have) k.memory.grow(Math.ceil((at - have) / 65536));
  return offsets;
}

/** Rows [start, start + count) of the current chunk belong to output row `out`; `init` on its first chunk. */
export interface FoldSegment {
  start: number;
  count: number;
  out: number;
  init: boolean;
}

/**
 * Running masked max and argmax over token rows of logits [rows, V], fed chunk by chunk. `max` starts at
 * −Infinity and `arg` at −1 for output rows no segment reaches; `arg` holds absolute token rows.
 */
export class MaxFold {
  private readonly simd: boolean;
  private readonly max: Float32Array;
  private readonly arg: Int32Array;

  constructor(
    private readonly vocab: number,
    private readonly outs: number,
  ) {
    this.simd = vocab >= 4;
    this.max = new Float32Array(outs * vocab).fill(-Infinity);
    this.arg = new Int32Array(outs * vocab).fill(-1);
    if (this.simd) {
      const k = kernels();
      reserve(k, [outs * vocab, outs * vocab]);
      new Float32Array(k.memory.buffer, 0, outs * vocab).fill(-Infinity);
      new Int32Array(k.memory.buffer, this.regionBytes(), outs * vocab).fill(-1);
    }
  }

  /** Folds in a chunk x [rows, V] whose first row is absolute token row `rowBase`. */
  add(x: Float32Array, rowBase: number, segments: readonly FoldSegment[]): void {
    const V = this.vocab;
    if (!this.simd) {
      for (const s of segments) {
        for (let r = s.start; r < s.start + s.count; r++) {
          const first = s.init && r === s.start;
          for (let v = 0; v < V; v++) {
            const y = x[r * V + v]!;
            const o = s.out * V + v;
            if (first || y > this.max[o]!) {
              this.max[o] = y;
              this.arg[o] = rowBase + r;
            }
          }
        }
      }
      return;
    }
    const k = kernels();
    const region = this.regionBytes();
    const [, , xAt, segAt] = reserve(k, [this.outs * V, this.outs * V, x.length, segments.length * 4]);
    new Float32Array(k.memory.buffer, xAt!, x.length).set(x);
    const segs = new Int32Array(k.memory.buffer, segAt!, segments.length * 4);
    segments.forEach((s, i) => segs.set([s.start, s.count, s.out, s.init ? 1 : 0], i * 4));
    k.segmentMax(V, xAt!, rowBase, segments.length, segAt!, 0, region);
  }

  /** The max [outs × V] and argmax (absolute token row) [outs × V]. */
  result(): { max: Float32Array; arg: Int32Array } {
    if (this.simd) {
      const k = kernels();
      const n = this.outs * this.vocab;
      this.max.set(new Float32Array(k.memory.buffer, 0, n));
      this.arg.set(new Int32Array(k.memory.buffer, this.regionBytes(), n));
    }
    return { max: this.max, arg: this.arg };
  }

  private regionBytes(): number {
    return Math.ceil((this.outs * this.vocab * 4) / 16) * 16;
  }
}

/** Token rows [start, start + count) of `rows` form output row `out`. */
export interface RowSegment {
  start: number;
  count: number;
  out: number;
}

/** Whether `projectMax` takes this hidden size (whole f32x4 lanes). */
export const projectMaxSupports = (hidden: number): boolean => hidden > 0 && hidden % 4 === 0;

/**
 * max over each segment's rows r of rows[r]·weight[v] for every vocabulary entry v, and the first row attaining
 * it, without materializing the logits: one SIMD pass (wasm/sparse-head.wat, projectMax) over the decoder in
 * blocks of 8 entries. rows [tokens × H], weight [V × H], both row-major; H a multiple of 4. Returns max and
 * arg [outs × V] (arg = absolute row; −Infinity and −1 for output rows without tokens), fresh arrays.
 */
export function projectMax(
  rows: Float32Array,
  weight: Float32Array,
  vocab: number,
  hidden: number,
  segments: readonly RowSegment[],
  outs: number,
): { max: Float32Array; arg: Int32Array } {
  if (!projectMaxSupports(hidden)) throw new Error(`projectMax needs a hidden size that is a multiple of 4, got ${hidden}`);
  const V = vocab;
  const H = hidden;
  const Vp = Math.ceil(V / 8) * 8;
  const tokens = rows.length / H;
  const k = kernels();
  const [w, wp, x, segs, max, arg] = reserve(k, [V * H, Vp * H, tokens * H, segments.length * 3, outs * Vp, outs * Vp]) as [
    number, number, number, number, number, number,
  ];
  const buf = k.memory.buffer;
  new Float32Array(buf, w, V * H).set(weight);
  new Float32Array(buf, x, tokens * H).set(rows);
  const segData = new Int32Array(buf, segs, segments.length * 3);
  segments.forEach((sg, i) => segData.set([sg.start, sg.count, sg.out], i * 3));
  // Output rows no segment names stay at −Infinity / −1.
  new Float32Array(buf, max, outs * Vp).fill(-Infinity);
  new Int32Array(buf, arg, outs * Vp).fill(-1);
  k.packBlocks(V, H, w, wp);
  k.projectMax(Vp, H, x, wp, segments.length, segs, max, arg);
  const maxAll = new Float32Array(buf, max, outs * Vp);
  const argAll = new Int32Array(buf, arg, outs * Vp);
  if (Vp === V) return { max: maxAll.slice(), arg: argAll.slice() };
  const out = { max: new Float32Array(outs * V), arg: new Int32Array(outs * V) };
  for (let b = 0; b < outs; b++) {
    out.max.set(maxAll.subarray(b * Vp, b * Vp + V), b * V);
    out.arg.set(argAll.subarray(b * Vp, b * Vp + V), b * V);
  }
  return out;
}

export interface SparseBackwardInput {
  vocab: number;
  /** Output rows (sequences). */
  batch: number;
  hidden: number;
  /** Decoder weight [V × H]. */
  weight: Float32Array;
  /** Packed token rows [tokens × H]. */
  rows: Float32Array;
  /** Vocabulary-major entries: g[v·B + b] (0 = none) and the token row that took the max, idx[v·B + b]. */
  g: Float32Array;
  idx: Int32Array;
}

/**
 * dRows[r] += g·W[v], dW[v] += g·rows[r], dBias[v] += g over every entry with g ≠ 0. The results are views
 * of the kernel's memory, valid until the next call into these kernels: copy them (or make tensors of them)
 * at once.
 */
export function sparseBackward(a: SparseBackwardInput): { dWeight: Float32Array; dRows: Float32Array; dBias: Float32Array } {
  const { vocab: V, batch: B, hidden: H } = a;
  const tokens = a.rows.length / H;
  if (H % 4 !== 0) {
    const dWeight = new Float32Array(V * H);
    const dRows = new Float32Array(tokens * H);
    const dBias = new Float32Array(V);
    for (let v = 0; v < V; v++) {
      for (let b = 0; b < B; b++) {
        const g = a.g[v * B + b]!;
        if (g === 0) continue;
        dBias[v] += g;
        const r = a.idx[v * B + b]! * H;
        for (let k = 0; k < H; k++) {
          dRows[r + k] += g * a.weight[v * H + k]!;
          dWeight[v * H + k] += g * a.rows[r + k]!;
        }
      }
    }
    return { dWeight, dRows, dBias };
  }
  const k = kernels();
  const [w, rows, g, idx, dw, drows, dbias] = reserve(k, [V * H, tokens * H, V * B, V * B, V * H, tokens * H, V]) as [
    number, number, number, number, number, number, number,
  ];
  const buf = k.memory.buffer;
  new Float32Array(buf, w, V * H).set(a.weight);
  new Float32Array(buf, rows, tokens * H).set(a.rows);
  new Float32Array(buf, g, V * B).set(a.g);
  new Int32Array(buf, idx, V * B).set(a.idx);
  new Float32Array(buf, dw, V * H).fill(0);
  new Float32Array(buf, drows, tokens * H).fill(0);
  k.backward(V, B, H, w, rows, g, idx, dw, drows, dbias);
  return {
    dWeight: new Float32Array(buf, dw, V * H),
    dRows: new Float32Array(buf, drows, tokens * H),
    dBias: new Float32Array(buf, dbias, V),
  };
}
