import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { geluExact, layerNorm } from '../../../src/core/tensor/nn.ts';
import { gelu } from '../../helpers/reference-mlm.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('nn building blocks (wasm)', () => {
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
