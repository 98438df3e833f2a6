import { toCsv, type CsvCell } from './csv.ts';
import { smoothEma } from './smoothing.ts';

/** One line of a chart: points (x, y) in x order. */
export interface ChartSeries {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
}

export interface PreparedSeries {
  name: string;
  raw: [number, number][];
  smoothed: [number, number][];
  /** Points left out because the log scale cannot show them (y <= 0). */
  hidden: number;
}

/** Applies smoothing and, on a log axis, drops the points it cannot show (before smoothing, so they do not skew it). */
export function prepareSeries(series: readonly ChartSeries[], smoothing: number, logScale: boolean): PreparedSeries[] {
  return series.map((s) => {
    const kept = logScale ? s.points.filter(([, y]) => y > 0) : s.points;
    const smoothedY = smoothEma(kept.map(([, y]) => y), smoothing);
    return {
      name: s.name,
      raw: kept.map(([x, y]) => [x, y]),
      smoothed: kept.map(([x], i) => [x, smoothedY[i]]),
      hidden: s.points.length - kept.length,
    };
  });
}

/** Long-form CSV of every series (all points, unfiltered), with the smoothed value when smoothing is on. */
export function seriesCsv(series: readonly ChartSeries[], smoothing: number, xName = 'x', yName = 'value'): string {
  const header = smoothing > 0 ? ['series', xName, yName, `${yName} (smoothed ${smoothing})`] : ['series', xName, yName];
  const rows: CsvCell[][] = [];
  for (const s of series) {
    const smoothed = smoothEma(s.points.map(([, y]) => y), smoothing);
    s.points.forEach(([x, y], i) => rows.push(smoothing > 0 ? [s.name, x, y, smoothed[i]] : [s.name, x, y]));
  }
  return toCsv(header, rows);
}
