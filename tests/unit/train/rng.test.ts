import { describe, expect, it } from 'vitest';
import { Rng, deriveSeed } from '../../../src/core/train/rng.ts';

/*
 * Reference values from the published C code of xoshiro128** 1.1 (https://prng.di.unimi.it/xoshiro128starstar.c)
 * and the SplitMix32 mixer (x += 0x9e3779b9; x ^= x>>16; x *= 0x21f0aaad; x ^= x>>15; x *= 0x735a2d97;
 * x ^= x>>15), compiled with gcc and run once: independent of this TypeScript.
 */
describe('Rng', () => {
  it('is xoshiro128** (state 1, 2, 3, 4 gives the reference outputs)', () => {
    const r = Rng.fromState([1, 2, 3, 4]);
    expect(Array.from({ length: 6 }, () => r.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492,
    ]);
  });

  it('seeds its state with SplitMix32', () => {
    const r = new Rng(42);
    expect(r.state()).toEqual([551831576, 144025891, 322543647, 3034809370]);
    expect(Array.from({ length: 4 }, () => r.nextUint32())).toEqual([660444221, 3652823732, 77672526, 910233633]);
  });

  it('repeats from a seed and from a saved state; streams differ', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    const saved = a.state();
    const next = a.next();
    expect(Rng.fromState(saved).next()).toBe(next);
    expect(deriveSeed(7, 'data-order')).not.toBe(deriveSeed(7, 'negatives'));
    expect(Rng.forStream(7, 'dropout').next()).toBe(Rng.forStream(7, 'dropout').next());
  });

  it('draws uniform floats in [0, 1), unbiased integers, permutations and distinct samples', () => {
    const r = new Rng(1);
    let sum = 0;
    let outside = 0;
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60000; i++) {
      const x = r.next();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
      counts[r.int(6)]++;
    }
    expect(outside).toBe(0);
    expect(sum / 60000).toBeGreaterThan(0.49);
    expect(sum / 60000).toBeLessThan(0.51);
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
    const perm = r.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...perm].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const sample = r.sampleDistinct(10, 9, new Set([3]));
    expect(new Set(sample).size).toBe(9);
    expect(sample).not.toContain(3);
    expect(() => r.sampleDistinct(3, 3, new Set([0]))).toThrow(/cannot draw 3/);
  });

  it('draws standard normals', () => {
    const r = new Rng(2);
    let s = 0;
    let s2 = 0;
    const n = 40000;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
  });
});
