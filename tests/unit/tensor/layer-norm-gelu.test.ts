import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { geluExact } from '../../../src/core/tensor/gelu.ts';
import { ensureGradients } from '../../../src/core/tensor/gradients.ts';
import { layerNorm } from '../../../src/core/tensor/layer-norm.ts';
import { Rng } from '../../../src/core/train/rng.ts';
import { gelu, layerNorm as layerNorm64 } from '../../helpers/float64.ts';

function randn(rng: Rng, n: number, std = 1, mean = 0): Float32Array {
  return Float32Array.from({ length: n }, () => mean + std * rng.normal());
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('layerNorm and geluExact', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    ensureGradients();
  });

  it('layerNorm matches the float64 definition and autograd of the moments formula', () => {
    const rng = new Rng(1);
    const [rows, dim] = [5, 7];
    const xData = randn(rng, rows * dim, 2, 0.5);
    const gData = randn(rng, dim, 0.5, 1);
    const bData = randn(rng, dim, 0.5);
    const [x, g, b] = [tf.tensor2d(xData, [rows, dim]), tf.tensor1d(gData), tf.tensor1d(bData)];
    const y = layerNorm(x, g, b, 1e-5).arraySync();
    for (let r = 0; r < rows; r++) {
      const ref = layerNorm64(Array.from(xData.subarray(r * dim, (r + 1) * dim)), gData, bData, 1e-5);
      ref.forEach((v, k) => expect(y[r]![k]).toBeCloseTo(v, 5));
    }
    const probe = tf.tensor2d(randn(rng, rows * dim), [rows, dim]);
    const naive = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor): tf.Tensor => {
      const { mean, variance } = tf.moments(xx, -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(xx, mean), tf.sqrt(tf.add(variance, 1e-5))), gg), bb);
    };
    const ours = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(layerNorm(xx as tf.Tensor2D, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5), probe)))([x, g, b]);
    const plain = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(naive(xx, gg, bb), probe)))([x, g, b]);
    ours.forEach((o, i) => expect(maxDiff(o, plain[i]!)).toBeLessThan(2e-5));
  });

  it('geluExact matches x·Φ(x) and autograd of the erf formula', () => {
    const xs = [-6, -2.5, -1, -0.3, 0, 0.2, 0.7, 1.5, 3, 8];
    const x = tf.tensor1d(xs);
    const y = geluExact(x).arraySync();
    xs.forEach((v, i) => expect(y[i]).toBeCloseTo(gelu(v), 6));
    const ours = tf.grad((xx: tf.Tensor) => tf.sum(geluExact(xx)))(x);
    const plain = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.mul(xx, 0.5), tf.add(1, tf.erf(tf.div(xx, Math.SQRT2))))))(x);
    expect(maxDiff(ours, plain)).toBeLessThan(1e-5);
    // Φ(x) + x·φ(x) at 1.5 from tables: Φ = 0.9331928, φ = 0.1295176.
    expect((ours.arraySync() as number[])[xs.indexOf(1.5)]).toBeCloseTo(0.9331928 + 1.5 * 0.1295176, 5);
  });
});
