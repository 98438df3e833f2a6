import { Rng } from '../train/rng.ts';

/**
 * Runs `fn` with `Math.random` drawing from an Rng seeded `seed`, then restores it.
 *
 * tfjs seeds every dropout mask it makes without an explicit seed from `Math.random()` (rand_util), and
 * the models call `tf.dropout` without one. Scoping a seeded `Math.random` around a training step makes
 * the masks a function of the run seed and the step, so a resumed run repeats the uninterrupted one.
 * Synchronous only: nothing else can run JavaScript while `fn` does.
 */
export function withSeededMathRandom<T>(seed: number, fn: () => T): T {
  const rng = new Rng(seed);
  const original = Math.random;
  Math.random = () => rng.next();
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
