import type { Rng } from './rng.ts';

/**
 * Runs `fn` with `Math.random` drawing from `rng`, restoring it afterwards.
 *
 * Why: tfjs seeds every random op called without an explicit seed (the models' dropout) from
 * `Math.random()`, so dropout masks — and every loss after the first update — would differ from run to run.
 * A training step is synchronous (no await inside), so nothing else runs while the override is in place,
 * and the masks become a function of the rng's seed: a run repeats, and a resumed run continues exactly.
 */
export function withSeededRandom<T>(rng: Rng, fn: () => T): T {
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
