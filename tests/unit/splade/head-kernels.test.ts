import { describe, expect, it } from 'vitest';
import { MaxFold, sparseBackward } from '../../../src/core/splade/head-kernels.ts';
import { Rng } from '../../../src/core/train/rng.ts';

/*
 * The SIMD kernels against plain float64 loops written from their definitions: the masked max/argmax over a
 * sequence's token rows (first of equal values wins), and the sparse backward
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
