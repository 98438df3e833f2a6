import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { gatherRows } from '../../../src/core/tensor/embedding-grad.ts';

describe('gatherRows', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('gathers rows and sums the gradient of repeated ids (hand-computed)', () => {
    // Table of 4 rows × 2; ids [[2, 0], [2, 2]]: row 2 three times, row 0 once, rows 1 and 3 never.
    const table = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    const ids = tf.tensor2d([2, 0, 2, 2], [2, 2], 'int32');
    const out = gatherRows(table, ids);
    expect(out.shape).toEqual([2, 2, 2]);
    expect(out.arraySync()).toEqual([
      [
        [5, 6],
        [1, 2],
      ],
      [
        [5, 6],
        [5, 6],
      ],
    ]);
    // L = Σ dy ∘ out with dy rows (1, 10), (100, 1000), (0.5, 0.25), (-2, 3):
    // d row0 = (100, 1000); d row2 = (1, 10) + (0.5, 0.25) + (-2, 3) = (-0.5, 13.25); rows 1, 3 zero.
    const dy = tf.tensor3d([
      [
        [1, 10],
        [100, 1000],
      ],
      [
        [0.5, 0.25],
        [-2, 3],
      ],
    ]);
    const [g] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t as tf.Tensor2D, ids), dy)))([table]);
    expect(g!.arraySync()).toEqual([
      [100, 1000],
      [0, 0],
      [-0.5, 13.25],
      [0, 0],
    ]);
    tf.dispose([table, ids, out, dy, g!]);
  });

  it('works for a variable inside variableGrads and leaks nothing', () => {
    const table = tf.variable(tf.tensor2d([[1], [2], [3]]));
    const ids = tf.tensor1d([1, 1, 0], 'int32');
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(gatherRows(table, ids))), [table]);
    // L = 2² + 2² + 1² = 9; dL/d row1 = 2·2 + 2·2 = 8, d row0 = 2, d row2 = 0.
    expect(value.dataSync()[0]).toBe(9);
    expect(Array.from(grads[table.name]!.dataSync())).toEqual([2, 8, 0]);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([table, ids]);
  });
});
