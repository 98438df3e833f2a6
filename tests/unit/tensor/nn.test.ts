import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { gatherRows, geluExact, layerNorm, matMul2d } from '../../../src/core/tensor/nn.ts';
import { gelu } from '../../helpers/reference-mlm.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('nn building blocks (wasm)', () => {
  it('matMul2d: product and hand-computed gradients of sum(a·b)', async () => {
    const a = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const b = tf.tensor2d([
      [5, 6],
      [7, 8],
    ]);
    expect(Array.from(await matMul2d(a, b).data())).toEqual([19, 22, 43, 50]);
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(matMul2d(x as tf.Tensor2D, y as tf.Tensor2D)))([a, b]);
    // d/da_ik = Σ_j b_kj; d/db_kj = Σ_i a_ik.
    expect(Array.from(await da!.data())).toEqual([11, 15, 11, 15]);
    expect(Array.from(await db!.data())).toEqual([4, 4, 6, 6]);
  });

  it('gatherRows: lookup and a scatter-add gradient for repeated ids', async () => {
    const table = tf.tensor2d([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    const ids = tf.tensor1d([2, 0, 2], 'int32');
    const w = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(Array.from(await gatherRows(table, ids).data())).toEqual([3, 3, 1, 1, 3, 3]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t as tf.Tensor2D, ids), w)))(table);
    expect(Array.from(await g.data())).toEqual([3, 4, 0, 0, 6, 8]);
  });

  it('layerNorm uses the biased variance with eps inside the root; gelu is the erf form', async () => {
    const x = tf.tensor2d([[1, 2, 3, 6]]);
    // mean 3, variance (4 + 1 + 0 + 9) / 4 = 3.5
    const y = await layerNorm(x, tf.tensor1d([1, 1, 2, 1]), tf.tensor1d([0, 0, 0, 1]), 0.5).data();
    const inv = 1 / Math.sqrt(4);
    [-2 * inv, -1 * inv, 0, 3 * inv + 1].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 6));
    const xs = [-4, -1.5, -0.3, 0, 0.7, 2.5];
    const g = await geluExact(tf.tensor1d(xs)).data();
    xs.forEach((v, i) => expect(Math.abs(g[i]! - gelu(v))).toBeLessThan(1e-6));
  });
});
