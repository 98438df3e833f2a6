import { describe, expect, it } from 'vitest';
import { MaxFold, projectMax, sparseBackward } from '../../../src/core/splade/head-kernels.ts';
import { Rng } from '../../../src/core/train/rng.ts';

/*
 * The SIMD kernels against plain float64 loops written from their definitions: the masked max/argmax over a
 * sequence's token rows (first of equal values wins), the same straight from rows and decoder (projectMax:
 * max_r rows[r]·W[v]), and the sparse backward
 * dRows[r] += g·W[v], dW[v] += g·rows[r], dBias[v] += g.
 */

function randn(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('MaxFold', () => {
  // V = 7 (not a multiple of 4: the overlapping last vector) and V = 3 (below 4: the plain loop).
  for (const V of [7, 3, 64]) {
    it(`folds chunks into the per-sequence max and first argmax (V = ${V})`, () => {
      const rng = new Rng(V);
      const lengths = [3, 0, 5, 1];
      const offsets = lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0));
      const rows = lengths.reduce((a, b) => a + b, 0);
      // Integers in a small range, so ties are frequent.
      const x = Float32Array.from({ length: rows * V }, () => rng.int(4) - 1);
      for (const chunk of [rows, 4, 1]) {
        const fold = new MaxFold(V, lengths.length);
        for (let r0 = 0; r0 < rows; r0 += chunk) {
          const n = Math.min(chunk, rows - r0);
          const segments = lengths
            .map((len, b) => {
              const lo = Math.max(offsets[b]!, r0);
              const hi = Math.min(offsets[b]! + len, r0 + n);
              return { start: lo - r0, count: hi - lo, out: b, init: lo === offsets[b] };
            })
            .filter((s) => s.count > 0);
          fold.add(x.subarray(r0 * V, (r0 + n) * V), r0, segments);
        }
        const { max, arg } = fold.result();
        lengths.forEach((len, b) => {
          for (let v = 0; v < V; v++) {
            let best = -Infinity;
            let at = -1;
            for (let r = offsets[b]!; r < offsets[b]! + len; r++) {
              if (x[r * V + v]! > best) {
                best = x[r * V + v]!;
                at = r;
              }
            }
            expect(max[b * V + v]).toBe(best);
            expect(arg[b * V + v]).toBe(at);
          }
        });
      }
    });
  }
});

/** max over each segment's rows of rows[r]·W[v] in float64, and the first row attaining it. */
function referenceProjectMax(rows: Float32Array, w: Float32Array, V: number, H: number, segs: { start: number; count: number; out: number }[], outs: number) {
  const max = new Float64Array(outs * V).fill(-Infinity);
  const arg = new Int32Array(outs * V).fill(-1);
  for (const s of segs) {
    for (let v = 0; v < V; v++) {
      for (let r = s.start; r < s.start + s.count; r++) {
        let dot = 0;
        for (let k = 0; k < H; k++) dot += rows[r * H + k]! * w[v * H + k]!;
        if (dot > max[s.out * V + v]!) {
          max[s.out * V + v] = dot;
          arg[s.out * V + v] = r;
        }
      }
    }
  }
  return { max, arg };
}

describe('projectMax', () => {
  // Segment lengths around the kernel's 4-row tiles (0, 1, 3, 4, 7, 9); outputs in another order than the
  // segments, and output row 6 named by none (it stays at −Infinity / −1).
  const lengths = [7, 0, 1, 4, 9, 3];
  const outsOf = [2, 0, 5, 1, 3, 4];
  const segmentsFor = () => {
    let start = 0;
    return lengths.map((count, i) => {
      const seg = { start, count, out: outsOf[i]! };
      start += count;
      return seg;
    });
  };
  const tokens = lengths.reduce((a, b) => a + b, 0);

  // V = 13 and 3: not a multiple of the kernel's 8-entry blocks; V = 16: whole blocks.
  for (const [V, H] of [
    [13, 4],
    [16, 8],
    [3, 12],
  ] as const) {
    it(`gives the exact max and first argmax on small integers, ties included (V = ${V}, H = ${H})`, () => {
      const rng = new Rng(V * H);
      // Entries in {−1, 0, 1}: every dot product is exact in float32 and equal values are common.
      const rows = Float32Array.from({ length: tokens * H }, () => rng.int(3) - 1);
      const w = Float32Array.from({ length: V * H }, () => rng.int(3) - 1);
      const segs = segmentsFor();
      const got = projectMax(rows, w, V, H, segs, 7);
      const ref = referenceProjectMax(rows, w, V, H, segs, 7);
      expect(Array.from(got.max)).toEqual(Array.from(ref.max));
      expect(Array.from(got.arg)).toEqual(Array.from(ref.arg));
      expect(Array.from(got.arg.subarray(6 * V))).toEqual(new Array<number>(V).fill(-1));
    });
  }

  it('matches float64 dot products on normal data (relative 1e-5)', () => {
    const [V, H] = [21, 16];
    const rng = new Rng(99);
    const rows = randn(rng, tokens * H);
    const w = randn(rng, V * H);
    const segs = segmentsFor();
    const got = projectMax(rows, w, V, H, segs, 7);
    const ref = referenceProjectMax(rows, w, V, H, segs, 7);
    ref.max.forEach((m, i) => {
      if (m === -Infinity) expect(got.max[i]).toBe(-Infinity);
      else expect(Math.abs(got.max[i]! - m)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(m)));
    });
    expect(Array.from(got.arg)).toEqual(Array.from(ref.arg));
  });

  it('refuses a hidden size that is not a multiple of 4', () => {
    expect(() => projectMax(new Float32Array(6), new Float32Array(6), 1, 6, [{ start: 0, count: 1, out: 0 }], 1)).toThrow(/multiple of 4/);
  });
});

describe('sparseBackward', () => {
  // H = 8 runs the SIMD kernel, H = 6 the plain loop.
  for (const H of [8, 6]) {
    it(`matches the float64 definition (H = ${H})`, () => {
      const rng = new Rng(H);
      const [V, B, tokens] = [11, 3, 7];
      const weight = randn(rng, V * H);
      const rows = randn(rng, tokens * H);
      const g = Float32Array.from({ length: V * B }, () => (rng.next() < 0.3 ? 0 : rng.normal()));
      const idx = Int32Array.from({ length: V * B }, () => rng.int(tokens));
      const view = sparseBackward({ vocab: V, batch: B, hidden: H, weight, rows, g, idx });
      const out = { dWeight: view.dWeight.slice(), dRows: view.dRows.slice(), dBias: view.dBias.slice() };
      const dW = new Float64Array(V * H);
      const dR = new Float64Array(tokens * H);
      const dB = new Float64Array(V);
      for (let v = 0; v < V; v++) {
        for (let b = 0; b < B; b++) {
          const gv = g[v * B + b]!;
          if (gv === 0) continue;
          const r = idx[v * B + b]!;
          dB[v] += gv;
          for (let k = 0; k < H; k++) {
            dR[r * H + k] += gv * weight[v * H + k]!;
            dW[v * H + k] += gv * rows[r * H + k]!;
          }
        }
      }
      dW.forEach((x, i) => expect(out.dWeight[i]).toBeCloseTo(x, 5));
      dR.forEach((x, i) => expect(out.dRows[i]).toBeCloseTo(x, 5));
      dB.forEach((x, i) => expect(out.dBias[i]).toBeCloseTo(x, 5));
      // A second call starts from zero again (no state left in the module's memory).
      const again = sparseBackward({ vocab: V, batch: B, hidden: H, weight, rows, g, idx });
      expect(Array.from(again.dWeight)).toEqual(Array.from(out.dWeight));
    });
  }
});
