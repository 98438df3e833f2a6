import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { packedSelfAttention } from '../../../src/core/tensor/attention.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { gatherRows } from '../../../src/core/tensor/embedding-grad.ts';
import { ensureGradients } from '../../../src/core/tensor/gradients.ts';
import { packedLayout, unpackRows } from '../../../src/core/tensor/packed.ts';
import { Rng } from '../../../src/core/train/rng.ts';
import { softmax } from '../../helpers/float64.ts';

/**
 * Padded attention with an additive key mask (and, given `halfWindow`, the band |i − j| ≤ halfWindow), left to
 * tfjs autograd (4-D products with transpose flags).
 */
function naive(qkv: tf.Tensor2D, mask: number[][], heads: number, halfWindow?: number): tf.Tensor2D {
  const [B, T] = [mask.length, mask[0]!.length];
  const H = qkv.shape[1] / 3;
  const d = H / heads;
  const [q, k, v] = tf.split(qkv, 3, 1).map((x) => tf.transpose(tf.reshape(x, [B, T, heads, d]), [0, 2, 1, 3]));
  const visible = mask.flatMap((row) =>
    Array.from({ length: T }, (_, i) => row.map((m, j) => (m && (halfWindow === undefined || Math.abs(i - j) <= halfWindow) ? 0 : -1e9))),
  );
  const bias = tf.reshape(tf.tensor(visible.flat()), [B, 1, T, T]);
  const probs = tf.softmax(tf.add(tf.div(tf.matMul(q!, k!, false, true), Math.sqrt(d)), bias));
  return tf.reshape(tf.transpose(tf.matMul(probs, v!), [0, 2, 1, 3]), [B * T, H]) as tf.Tensor2D;
}

describe('packedSelfAttention', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    ensureGradients();
  });

  const heads = 2;
  const H = 6;
  // Full, right-padded, a hole in the middle, and an empty sequence.
  const mask = [
    [1, 1, 1, 1],
    [1, 1, 0, 0],
    [1, 0, 1, 1],
    [0, 0, 0, 0],
  ];
  const [B, T] = [4, 4];
  const layout = packedLayout(mask.flat(), B, T);

  function data(seed: number): Float32Array {
    const rng = new Rng(seed);
    return Float32Array.from({ length: B * T * 3 * H }, () => rng.normal());
  }

  it.each([undefined, 1])('matches float64 attention over each sequence’s real tokens (half window %s)', (halfWindow) => {
    const x = data(1);
    const out = tf.tidy(() => {
      const packed = gatherRows(tf.tensor2d(x, [B * T, 3 * H]), tf.tensor1d(layout.flat, 'int32')) as tf.Tensor2D;
      return unpackRows(packedSelfAttention(packed, layout, heads, { halfWindow }), layout).arraySync();
    });
    const d = H / heads;
    const at = (b: number, t: number, part: number, j: number): number => x[(b * T + t) * 3 * H + part * H + j]!;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const row = out[b * T + t]!;
        if (!mask[b]![t]) {
          expect(row.every((y) => y === 0)).toBe(true);
          continue;
        }
        for (let h = 0; h < heads; h++) {
          // Keys by position: the window counts positions, so a hole in the mask still counts as a step.
          const keys = [0, 1, 2, 3].filter((u) => mask[b]![u] && (halfWindow === undefined || Math.abs(t - u) <= halfWindow));
          const p = softmax(keys.map((u) => [...Array(d).keys()].reduce((s, j) => s + at(b, t, 0, h * d + j) * at(b, u, 1, h * d + j), 0) / Math.sqrt(d)));
          for (let j = 0; j < d; j++) {
            const want = keys.reduce((s, u, i) => s + p[i]! * at(b, u, 2, h * d + j), 0);
            expect(row[h * d + j]).toBeCloseTo(want, 5);
          }
        }
      }
    }
  });

  it.each([undefined, 1])('gives the gradients of autograd on padded, masked attention (≤ 1e-5; half window %s)', (halfWindow) => {
    const x = tf.tensor2d(data(2), [B * T, 3 * H]);
    const rng = new Rng(3);
    const realRows = mask.flat().map((m) => (m ? 1 : 0));
    const probe = tf.mul(tf.tensor2d(Float32Array.from({ length: B * T * H }, () => rng.normal()), [B * T, H]), tf.tensor2d(realRows, [B * T, 1]));
    const ours = tf.grad((xx: tf.Tensor) => {
      const packed = gatherRows(xx as tf.Tensor2D, tf.tensor1d(layout.flat, 'int32')) as tf.Tensor2D;
      return tf.sum(tf.mul(unpackRows(packedSelfAttention(packed, layout, heads, { halfWindow }), layout), probe));
    })(x);
    const plain = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(naive(xx as tf.Tensor2D, mask, heads, halfWindow), probe)))(x);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, plain))).dataSync()[0]!);
    expect(diff).toBeLessThan(1e-5);
    expect(tf.tidy(() => tf.max(tf.abs(plain)).dataSync()[0]!)).toBeGreaterThan(1e-2);
    tf.dispose([x, probe, ours, plain]);
  });

  it('matches padded autograd on longer sequences and wider heads, forward and gradient (half window 3 and none)', () => {
    // Lengths 13, 9 and 1 around the kernel's 4-row tiles and 8-column blocks; head size 12.
    const [b2, t2, h2, heads2] = [3, 13, 24, 2];
    const lengths = [13, 9, 1];
    const mask2 = lengths.map((n) => Array.from({ length: t2 }, (_, t) => (t < n ? 1 : 0)));
    const layout2 = packedLayout(mask2.flat(), b2, t2);
    const rng = new Rng(11);
    const x = tf.tensor2d(Float32Array.from({ length: b2 * t2 * 3 * h2 }, () => rng.normal()), [b2 * t2, 3 * h2]);
    const probe = tf.mul(
      tf.tensor2d(Float32Array.from({ length: b2 * t2 * h2 }, () => rng.normal()), [b2 * t2, h2]),
      tf.tensor2d(mask2.flat(), [b2 * t2, 1]),
    );
    for (const halfWindow of [3, undefined]) {
      const ours = (xx: tf.Tensor): tf.Tensor2D => {
        const packed = gatherRows(xx as tf.Tensor2D, tf.tensor1d(layout2.flat, 'int32')) as tf.Tensor2D;
        return unpackRows(packedSelfAttention(packed, layout2, heads2, { halfWindow }), layout2);
      };
      const fwd = tf.tidy(() => tf.max(tf.abs(tf.mul(tf.sub(ours(x), naive(x, mask2, heads2, halfWindow)), tf.tensor2d(mask2.flat(), [b2 * t2, 1])))).dataSync()[0]!);
      expect(fwd).toBeLessThan(1e-5);
      const g1 = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(ours(xx), probe)))(x);
      const g2 = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(naive(xx as tf.Tensor2D, mask2, heads2, halfWindow), probe)))(x);
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(g1, g2))).dataSync()[0]!)).toBeLessThan(1e-5);
      expect(tf.tidy(() => tf.max(tf.abs(g2)).dataSync()[0]!)).toBeGreaterThan(1e-2);
      tf.dispose([g1, g2]);
    }
    tf.dispose([x, probe]);
  });

  it('applies seeded dropout to the probabilities with the matching gradient', () => {
    const x = tf.tensor2d(data(4), [B * T, 3 * H]);
    const rng = new Rng(5);
    const probe = tf.tensor2d(Float32Array.from({ length: layout.flat.length * H }, () => rng.normal()), [layout.flat.length, H]);
    const drop = { rate: 0.4, seed: 77 };
    const d = H / heads;
    const packedOf = (xx: tf.Tensor): tf.Tensor2D => gatherRows(xx as tf.Tensor2D, tf.tensor1d(layout.flat, 'int32')) as tf.Tensor2D;
    // The same computation spelled out per sequence and head with the masks the op draws (seed + i·heads + h).
    const spelled = (xx: tf.Tensor): tf.Tensor2D => {
      const rows = packedOf(xx);
      const outs: tf.Tensor2D[] = [];
      let i = 0;
      layout.lengths.forEach((len, b) => {
        if (len === 0) return;
        const r = tf.slice(rows, [layout.offsets[b]!, 0], [len, 3 * H]);
        const perHead: tf.Tensor2D[] = [];
        for (let h = 0; h < heads; h++) {
          const q = tf.slice(r, [0, h * d], [len, d]);
          const k = tf.slice(r, [0, H + h * d], [len, d]);
          const v = tf.slice(r, [0, 2 * H + h * d], [len, d]);
          const p = tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)));
          const mask = tf.dropout(tf.onesLike(p), drop.rate, undefined, drop.seed + i * heads + h);
          perHead.push(tf.matMul(tf.mul(p, mask), v) as tf.Tensor2D);
        }
        outs.push(tf.concat(perHead, 1));
        i++;
      });
      return tf.concat(outs, 0);
    };
    const ours = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(packedSelfAttention(packedOf(xx), layout, heads, drop), probe)))(x);
    const plain = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(spelled(xx), probe)))(x);
    const fwd = tf.tidy(() => tf.max(tf.abs(tf.sub(packedSelfAttention(packedOf(x), layout, heads, drop), spelled(x)))).dataSync()[0]!);
    expect(fwd).toBeLessThan(1e-5);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(ours, plain))).dataSync()[0]!)).toBeLessThan(1e-5);
    // Dropout did act: the output differs from the one without it.
    const none = tf.tidy(() => tf.max(tf.abs(tf.sub(packedSelfAttention(packedOf(x), layout, heads), spelled(x)))).dataSync()[0]!);
    expect(none).toBeGreaterThan(1e-2);
    tf.dispose([x, probe, ours, plain]);
  });
});
