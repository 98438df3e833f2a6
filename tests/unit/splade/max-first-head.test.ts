import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { spladeMaxFirst } from '../../../src/core/splade/max-first-head.ts';
import { Rng } from '../../../src/core/train/rng.ts';

/** The naive SPLADE formula, left to tfjs autograd: max_t mask · log1p(relu(h·Wᵀ + b)). */
function naive(h: tf.Tensor3D, mask: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  const [batch, tokens, dim] = h.shape;
  const logits = tf.add(tf.matMul(tf.reshape(h, [batch * tokens, dim]), w, false, true), b);
  const weights = tf.reshape(tf.log1p(tf.relu(logits)), [batch, tokens, w.shape[0]]);
  return tf.max(tf.mul(weights, tf.expandDims(tf.cast(mask, 'float32'), 2)), 1) as tf.Tensor2D;
}

/** Float64 reference of the same formula, from its definition. */
function reference(h: number[][][], mask: number[][], w: number[][], b: number[]): number[][] {
  return h.map((seq, bi) =>
    w.map((row, v) => {
      let best = 0;
      seq.forEach((tok, t) => {
        if (!mask[bi]![t]) return;
        const x = row.reduce((s, wk, k) => s + wk * tok[k]!, 0) + b[v]!;
        best = Math.max(best, Math.log1p(Math.max(0, x)));
      });
      return best;
    }),
  );
}

function randomArray(rng: Rng, n: number, std = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * std;
  return out;
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

// H = 4: the fused SIMD kernel (projectMax); H = 6 (not a multiple of 4): matMul chunks folded into a running max.
describe.each([
  { H: 4, path: 'fused kernel' },
  { H: 6, path: 'matMul chunks' },
])('spladeMaxFirst ($path)', ({ H }) => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  const B = 3;
  const T = 5;
  const V = 7;
  // Row 0 full, row 1 right-padded, row 2 with a hole (the head must honour any mask, not only suffixes).
  const maskRows = [
    [1, 1, 1, 1, 1],
    [1, 1, 1, 0, 0],
    [1, 0, 1, 1, 0],
  ];

  function inputs(seed: number) {
    const rng = new Rng(seed);
    const h = tf.tensor3d(randomArray(rng, B * T * H), [B, T, H]);
    const w = tf.tensor2d(randomArray(rng, V * H, 0.7), [V, H]);
    // Biases around −1 so that every row has both zero and non-zero entries.
    const b = tf.tensor1d(randomArray(rng, V, 0.5).map((x) => x - 1));
    const mask = tf.tensor2d(maskRows.flat(), [B, T], 'int32');
    const probe = tf.tensor2d(randomArray(rng, B * V), [B, V]);
    return { h, w, b, mask, probe };
  }

  it('matches the float64 definition in the forward pass, with and without vocabulary chunks', () => {
    const { h, w, b, mask, probe } = inputs(1);
    const ref = reference(
      h.arraySync() as number[][][],
      maskRows,
      w.arraySync() as number[][],
      b.arraySync() as number[],
    );
    for (const maxChunkElements of [undefined, 6, 1]) {
      const out = spladeMaxFirst(h, mask, w, b, { maxChunkElements });
      const got = out.arraySync();
      for (let i = 0; i < B; i++) for (let v = 0; v < V; v++) expect(got[i]![v]).toBeCloseTo(ref[i]![v]!, 5);
      out.dispose();
    }
    // The test data is not degenerate: some entries are zero and some are not in every row.
    for (const row of ref) {
      expect(row.some((x) => x === 0)).toBe(true);
      expect(row.some((x) => x > 0)).toBe(true);
    }
    tf.dispose([h, w, b, mask, probe]);
  });

  it('gives the gradients of plain autograd on the naive formula (≤ 5e-6)', () => {
    for (const seed of [2, 3, 4]) {
      const { h, w, b, mask, probe } = inputs(seed);
      const lossOf =
        (f: typeof naive) =>
        (hh: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor): tf.Scalar =>
          tf.sum(tf.mul(f(hh as tf.Tensor3D, mask, ww as tf.Tensor2D, bb as tf.Tensor1D), probe));
      const ours = tf.grads(lossOf((hh, m, ww, bb) => spladeMaxFirst(hh, m, ww, bb, { maxChunkElements: 4 })))([h, w, b]);
      const plain = tf.grads(lossOf(naive))([h, w, b]);
      for (let i = 0; i < 3; i++) {
        expect(ours[i]!.shape).toEqual(plain[i]!.shape);
        expect(maxAbsDiff(ours[i]!, plain[i]!)).toBeLessThanOrEqual(5e-6);
      }
      // Gradients are not trivially zero: the check compares real numbers.
      expect(tf.tidy(() => tf.max(tf.abs(plain[1]!)).dataSync()[0]!)).toBeGreaterThan(1e-3);
      // Padding tokens get no gradient.
      const dh = ours[0]!.arraySync() as number[][][];
      expect(dh[1]![3]!.every((x) => x === 0) && dh[2]![1]!.every((x) => x === 0)).toBe(true);
      tf.dispose([h, w, b, mask, probe, ...ours, ...plain]);
    }
  });

  it('gives a sequence without tokens an all-zero vector and no gradient', () => {
    const rng = new Rng(5);
    const h = tf.tensor3d(randomArray(rng, 2 * 3 * H), [2, 3, H]);
    const w = tf.tensor2d(randomArray(rng, V * H), [V, H]);
    const b = tf.tensor1d(new Float32Array(V).fill(1));
    const mask = tf.tensor2d([1, 1, 0, 0, 0, 0], [2, 3], 'int32');
    const out = spladeMaxFirst(h, mask, w, b);
    expect((out.arraySync() as number[][])[1]!.every((x) => x === 0)).toBe(true);
    const [dh] = tf.grads((hh: tf.Tensor) => tf.sum(spladeMaxFirst(hh as tf.Tensor3D, mask, w, b)))([h]);
    expect((dh!.arraySync() as number[][][])[1]!.flat().every((x) => x === 0)).toBe(true);
    tf.dispose([h, w, b, mask, out, dh!]);
  });

  it('never holds a [batch, tokens, vocab] tensor and leaks none', () => {
    const rng = new Rng(6);
    const [b, t, d, v] = [2, 64, 8, 3000];
    const h = tf.tensor3d(randomArray(rng, b * t * d), [b, t, d]);
    const w = tf.variable(tf.tensor2d(randomArray(rng, v * d, 0.3), [v, d])) as tf.Variable<tf.Rank.R2>;
    const bias = tf.variable(tf.zeros([v])) as tf.Variable<tf.Rank.R1>;
    const mask = tf.ones([b, t], 'int32') as tf.Tensor2D;
    const before = tf.memory().numTensors;
    let peak = 0;
    const full = b * t * v * 4;
    return tf
      .profile(() => {
        const g = tf.variableGrads(() => tf.sum(spladeMaxFirst(h, mask, w, bias, { maxChunkElements: 16_384 })), [w, bias]);
        tf.dispose([g.value, ...Object.values(g.grads)]);
      })
      .then((info) => {
        peak = info.peakBytes;
        expect(tf.memory().numTensors).toBe(before);
        // Peak includes the inputs, the [V, H] gradient and one logits chunk, far below B·T·V floats.
        expect(peak).toBeLessThan(full / 2);
        tf.dispose([h, w, bias, mask]);
      });
  });
});
