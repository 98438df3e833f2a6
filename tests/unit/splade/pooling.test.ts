import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxProjection, spladePool, vocabChunk } from '../../../src/core/splade/pooling.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';

let W: tf.Tensor2D;
let B: tf.Tensor1D;
beforeAll(async () => {
  await selectBackend('wasm');
  W = tf.tensor2d([
    [1, 1],
    [2, -1],
    [-1, -3],
  ]);
  B = tf.tensor1d([0, -1, 0.5]);
});

// Hand-computed: h0 = [1, 0], h1 = [0, 2]; W rows w0 = [1, 1], w1 = [2, -1], w2 = [-1, -3]; b = [0, -1, 0.5].
// logits t0 = [1, 2, -1] + b = [1, 1, -0.5];  t1 = [2, -2, -6] + b = [2, -3, -5.5].
// Both tokens: max = [2 (t1), 1 (t0), -0.5 (t0)] → w = [ln 3, ln 2, 0].
// Only t0 (t1 is padding): max = [1, 1, -0.5] → w = [ln 2, ln 2, 0].

describe('SPLADE max pooling (max first)', () => {
  for (const chunkElements of [undefined, 2, 4]) {
    it(`matches the hand-computed 2 tokens × 3 vocab case (chunk elements ${chunkElements ?? 'default'})`, async () => {
      // Row 1's padded token holds huge values: it must not leak into the max.
      const h = tf.tensor3d([
        [
          [1, 0],
          [0, 2],
        ],
        [
          [1, 0],
          [100, 100],
        ],
      ]);
      const mask = tf.tensor2d(
        [
          [1, 1],
          [1, 0],
        ],
        undefined,
        'int32',
      );
      const before = tf.memory().numTensors;
      const { weights, argmax } = spladePool(h, mask, W, B, { chunkElements });
      expect(tf.memory().numTensors).toBe(before + 2);
      const w = Array.from(await weights.data());
      const expected = [Math.log(3), Math.log(2), 0, Math.log(2), Math.log(2), 0];
      w.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
      expect(Array.from(await argmax.data())).toEqual([1, 0, 0, 0, 0, 0]);
      const proj = maxProjection(h, mask, W, B, { chunkElements, withSquares: true });
      expect(Array.from(await proj.maxLogits.data())).toEqual([2, 1, -0.5, 1, 1, -0.5]);
      // Σ logit² per token: t0 1 + 1 + 0.25; t1 4 + 9 + 30.25; padded row token 0 as t0.
      expect(Array.from(await proj.sumSquares!.data()).slice(0, 3)).toEqual([2.25, 43.25, 2.25]);
      tf.dispose([h, mask, weights, argmax, proj.maxLogits, proj.argmax, proj.sumSquares!]);
    });
  }

  it('sizes vocabulary chunks to the element budget', () => {
    expect(vocabChunk(4, 30522, 1 << 23)).toBe(30522);
    expect(vocabChunk(32 * 128, 30522, 1 << 23)).toBe(2048);
    expect(vocabChunk(10, 3, 5)).toBe(1);
  });
});
