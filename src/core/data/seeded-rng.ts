/**
 * A small seeded pseudo-random generator (mulberry32: 32-bit state, period 2^32), so sampling is
 * repeatable from a seed on every platform. Kept because the tests' tiny checkpoints and the demo's
 * Cranfield examples are drawn with it; runs and data sampling use train/rng.ts (Rng), and so should new code.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
