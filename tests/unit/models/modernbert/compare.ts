import { expect } from 'vitest';

/** Asserts |a - e| <= atol + rtol·|e| everywhere (the project's 1e-5 absolute / 1e-4 relative bar). */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  label: string,
  atol = 1e-5,
  rtol = 1e-4,
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (atol + rtol * Math.abs(expected[i]));
    if (!(excess <= worst)) {
      worst = Number.isNaN(excess) ? Infinity : excess;
      worstAt = i;
    }
  }
  expect(worstAt, `${label}: worst at ${worstAt}: ${actual[worstAt]} vs ${expected[worstAt]}`).toBe(-1);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
