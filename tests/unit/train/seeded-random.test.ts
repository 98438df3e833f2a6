import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { maybeDropout } from '../../../src/core/tensor/nn.ts';
import { Rng } from '../../../src/core/train/rng.ts';
import { withSeededRandom } from '../../../src/core/train/seeded-random.ts';

beforeAll(async () => {
  await selectBackend('cpu');
});

function dropoutMask(): number[] {
  return tf.tidy(() => Array.from(maybeDropout(tf.ones([64]), 0.5, true).dataSync()));
}

describe('withSeededRandom', () => {
  it('makes Math.random the named stream of the seed inside, and restores it after (also on throw)', () => {
    const original = Math.random;
    const ref = Rng.forStream(9, 'dropout/3');
    const inside = withSeededRandom(Rng.forStream(9, 'dropout/3'), () => [Math.random(), Math.random(), Math.random()]);
    expect(inside).toEqual([ref.next(), ref.next(), ref.next()]);
    expect(Math.random).toBe(original);
    expect(() =>
      withSeededRandom(Rng.forStream(9, 'x'), () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(Math.random).toBe(original);
    expect(() => withSeededRandom(Rng.forStream(9, 'x'), () => Promise.resolve(1))).toThrow('synchronous');
    expect(Math.random).toBe(original);
  });

  it('turns tfjs dropout (called without a seed, as the models do) into a function of (seed, stream)', () => {
    // Without the scope two masks differ (tfjs seeds them from Math.random): the bug this scope fixes.
    expect(dropoutMask()).not.toEqual(dropoutMask());
    const a = withSeededRandom(Rng.forStream(42, 'dropout/0'), () => [dropoutMask(), dropoutMask()]);
    const b = withSeededRandom(Rng.forStream(42, 'dropout/0'), () => [dropoutMask(), dropoutMask()]);
    expect(a).toEqual(b);
    // Successive dropout calls in one step draw different masks; another stream draws another mask.
    expect(a[0]).not.toEqual(a[1]);
    expect(withSeededRandom(Rng.forStream(42, 'dropout/1'), dropoutMask)).not.toEqual(a[0]);
    // Inverted dropout at rate 0.5: each entry is 0 or 1 / 0.5.
    for (const x of a[0]!) expect([0, 2]).toContain(x);
  });
});
