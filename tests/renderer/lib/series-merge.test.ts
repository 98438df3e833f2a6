import { describe, expect, it } from 'vitest';
import { chartPoints, maxStep, mergeSeries } from '../../../src/renderer/src/lib/series-merge.ts';

describe('mergeSeries', () => {
  it('appends the points after sinceStep and replaces a re-fetched last step', () => {
    const local = { steps: [1, 2, 3], values: [10, 20, 30] };
    // Fetched with sinceStep 2: step 3 again (a value recorded late changed it) and step 4.
    expect(mergeSeries(local, { steps: [3, 4], values: [31, 40] }, 2)).toEqual({ steps: [1, 2, 3, 4], values: [10, 20, 31, 40] });
    expect(local).toEqual({ steps: [1, 2, 3], values: [10, 20, 30] });
  });

  it('drops local points the server no longer has after sinceStep, and starts a series from nothing', () => {
    expect(mergeSeries({ steps: [1, 2, 3], values: [1, 2, 3] }, { steps: [], values: [] }, 1)).toEqual({ steps: [1], values: [1] });
    expect(mergeSeries(undefined, { steps: [5, 6], values: [null, 6] }, -1)).toEqual({ steps: [5, 6], values: [null, 6] });
  });

  it('ignores fetched points at or before sinceStep', () => {
    expect(mergeSeries({ steps: [1], values: [1] }, { steps: [1, 2], values: [9, 2] }, 1)).toEqual({ steps: [1, 2], values: [1, 2] });
  });

  it('leaves NaN (null) out of chart points and finds the highest step', () => {
    expect(chartPoints({ steps: [1, 2, 3], values: [1, null, 3] })).toEqual([
      [1, 1],
      [3, 3],
    ]);
    expect(maxStep([{ steps: [1, 7], values: [0, 0] }, { steps: [9], values: [0] }, { steps: [], values: [] }])).toBe(9);
    expect(maxStep([])).toBeNull();
  });
});
