/*
 * A small seeded generator for everything random in a run (data order, negative sampling, dropout seeds,
 * initial weights of test models), so a run repeats exactly on the same backend.
 * xoshiro128** 1.1 (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c) on 32-bit integers;
 * the 128-bit state is filled from the seed with SplitMix32 (Stafford-style 32-bit mixer), as Vigna
 * recommends seeding xoshiro from a different generator.
 */

const TWO_POW_32 = 4294967296;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The SplitMix32 stream from `seed`: successive well-mixed 32-bit words. */
function splitMix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

/** FNV-1a over the UTF-16 code units of a label: a stable 32-bit stream id. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seed for an independent stream (`data-order`, `negatives`, `dropout`, …) of the run seeded `seed`. */
export function deriveSeed(seed: number, stream: string): number {
  const next = splitMix32((seed >>> 0) ^ hashLabel(stream));
  return next();
}

export class Rng {
  private s: Uint32Array;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
    const next = splitMix32(seed);
    this.s = new Uint32Array([next(), next(), next(), next()]);
    if (this.s.every((x) => x === 0)) this.s[0] = 1;
  }

  /** A generator positioned at a saved state (see `state`). */
  static fromState(state: readonly number[]): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** An independent generator for a named purpose, seeded from this run's seed and the name. */
  static forStream(seed: number, stream: string): Rng {
    return new Rng(deriveSeed(seed, stream));
  }

  /** The next unsigned 32-bit output of xoshiro128**. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2] ^= s[0]!;
    s[3] ^= s[1]!;
    s[1] ^= s[2]!;
    s[0] ^= s[3]!;
    s[2] ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n), without modulo bias (rejection sampling). n ≤ 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) throw new Error(`int(n) needs 0 < n ≤ 2^32, got ${n}`);
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal (Box–Muller, one value per call). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** `count` distinct integers from [0, n) excluding `exclude`, in draw order (for negative sampling). */
  sampleDistinct(n: number, count: number, exclude: ReadonlySet<number> = new Set()): number[] {
    const available = n - [...exclude].filter((x) => x >= 0 && x < n).length;
    if (count > available) throw new Error(`cannot draw ${count} distinct values from ${available}`);
    const picked = new Set<number>();
    const out: number[] = [];
    while (out.length < count) {
      const x = this.int(n);
      if (exclude.has(x) || picked.has(x)) continue;
      picked.add(x);
      out.push(x);
    }
    return out;
  }

  /** A fresh 32-bit seed (e.g. for tfjs dropout), advancing this generator. */
  seed(): number {
    return this.nextUint32();
  }

  /** The four state words, for checkpoints. */
  state(): number[] {
    return Array.from(this.s);
  }

  setState(state: readonly number[]): void {
    if (state.length !== 4 || state.some((x) => !Number.isInteger(x) || x < 0 || x >= TWO_POW_32)) {
      throw new Error('an Rng state is four unsigned 32-bit integers');
    }
    if (state.every((x) => x === 0)) throw new Error('an all-zero xoshiro state never leaves zero');
    this.s = new Uint32Array(state);
  }
}
