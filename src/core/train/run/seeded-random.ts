import { Rng } from '../rng.ts';

/**
 * Runs `fn` with `Math.random` replaced by the run's seeded stream `stream`, restoring it afterwards.
 *
 * Why: tfjs seeds every random op called without an explicit seed (dropout in the model engine is) from
 * `Math.random()`, so dropout masks — and with them every loss after the first update — differed from run to
 * run. A train step is synchronous (no await inside), so nothing else runs while the override is in place,
 * and the masks become a pure function of (seed, update): a run repeats, and a resumed run continues exactly.
 */
export function withSeededRandom<T>(seed: number, stream: string, fn: () => T): T {
  const rng = Rng.forStream(seed, stream);
  const original = Math.random;
  Math.random = () => rng.next();
  try {
    const out = fn();
    if (out instanceof Promise) throw new Error('withSeededRandom needs a synchronous function');
    return out;
  } finally {
    Math.random = original;
  }
}
