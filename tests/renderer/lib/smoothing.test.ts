import { describe, expect, it } from 'vitest';
import { smoothEma } from '../../../src/renderer/src/lib/smoothing.ts';

// The definition, written independently: the smoothed value at n is the w-weighted mean of the finite
// points up to n, weights w^(n-i).
function reference(values: number[], w: number): number[] {
  return values.map((y, n) => {
    if (!Number.isFinite(y)) return y;
    let num = 0;
    let den = 0;
    let age = 0;
    for (let i = n; i >= 0; i--) {
      if (!Number.isFinite(values[i])) continue;
      num += Math.pow(w, age) * values[i];
      den += Math.pow(w, age);
      age++;
    }
    return num / den;
  });
}

describe('smoothEma', () => {
  it('matches hand-computed values', () => {
    // w = 0.5: second point (0.5*1 + 1*3) / 1.5 = 7/3; third (0.25*1 + 0.5*3 + 1*2) / 1.75 = 15/7.
    const got = smoothEma([1, 3, 2], 0.5);
    expect(got[0]).toBeCloseTo(1, 12);
    expect(got[1]).toBeCloseTo(7 / 3, 12);
    expect(got[2]).toBeCloseTo(15 / 7, 12);
  });

  it('equals the weighted-mean definition, skipping non-finite points', () => {
    const values = [0.9, 0.7, Number.NaN, 0.4, 0.45, Number.POSITIVE_INFINITY, 0.2, 0.25, 0.1];
    const got = smoothEma(values, 0.8);
    const want = reference(values, 0.8);
    got.forEach((v, i) => (Number.isFinite(want[i]) ? expect(v).toBeCloseTo(want[i], 12) : expect(v).toBe(want[i])));
  });

  it('leaves values alone at weight 0 and keeps a constant series constant', () => {
    expect(smoothEma([3, 1, 2], 0)).toEqual([3, 1, 2]);
    for (const v of smoothEma([5, 5, 5, 5], 0.95)) expect(v).toBeCloseTo(5, 12);
  });
});
