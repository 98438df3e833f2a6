import { describe, expect, it } from 'vitest';
import { prepareSeries, seriesCsv } from '../../../src/renderer/src/lib/series.ts';

const loss = { name: 'loss', points: [[1, 2], [2, 0], [3, 8]] as [number, number][] };

describe('prepareSeries', () => {
  it('hides non-positive points on a log axis before smoothing', () => {
    const [s] = prepareSeries([loss], 0.5, true);
    expect(s.hidden).toBe(1);
    expect(s.raw).toEqual([[1, 2], [3, 8]]);
    // w = 0.5 over (2, 8): (0.5*2 + 8) / 1.5 = 6
    expect(s.smoothed[1][1]).toBeCloseTo(6, 12);
  });
  it('keeps every point on a linear axis', () => {
    const [s] = prepareSeries([loss], 0, false);
    expect(s.hidden).toBe(0);
    expect(s.smoothed).toEqual(s.raw);
  });
});

describe('seriesCsv', () => {
  it('writes long-form rows, with the smoothed value when smoothing is on', () => {
    expect(seriesCsv([loss], 0, 'step', 'loss')).toBe('series,step,loss\r\nloss,1,2\r\nloss,2,0\r\nloss,3,8\r\n');
    const lines = seriesCsv([{ name: 'a', points: [[0, 1], [1, 3]] }], 0.5).trim().split('\r\n');
    expect(lines[0]).toBe('series,x,value,value (smoothed 0.5)');
    expect(lines[2].split(',').map(Number).slice(1)).toEqual([1, 3, 7 / 3]);
  });
});
