import type { RunRow } from '../../../shared/contract.ts';
import type { ChartSeries } from './series.ts';
import { backboneOf, isBaseline, kOf, latestEvaluation } from './run-fields.ts';

export interface SplitRef {
  dataset: string;
  split: string;
}

/** A run's value of a metric for the comparison charts: from its latest evaluation on the split, or `train:<name>` for a last training value. */
export function runMetric(run: RunRow, metric: string, where: SplitRef | null): number | null {
  if (metric.startsWith('train:')) return run.lastMetrics[metric.slice(6)] ?? null;
  const e = where ? latestEvaluation(run, where) : latestEvaluation(run);
  const v = e?.metrics[metric];
  return typeof v === 'number' ? v : null;
}

/**
 * The k chart: one line per backbone through (k, metric) of its runs, sorted by k. Runs without k or the
 * metric, and baselines, are left out; runs of one backbone sharing a k are averaged (e.g. seeds).
 */
export function kChartSeries(runs: readonly RunRow[], metric: string, where: SplitRef | null): ChartSeries[] {
  const byBackbone = new Map<string, Map<number, number[]>>();
  for (const run of runs) {
    if (isBaseline(run)) continue;
    const k = kOf(run.config);
    const value = runMetric(run, metric, where);
    if (k === null || k <= 0 || value === null) continue;
    const backbone = backboneOf(run.config) ?? '(unknown backbone)';
    let byK = byBackbone.get(backbone);
    if (!byK) byBackbone.set(backbone, (byK = new Map()));
    byK.set(k, [...(byK.get(k) ?? []), value]);
  }
  return [...byBackbone.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, byK]) => ({
      name,
      points: [...byK.entries()].sort(([a], [b]) => a - b).map(([k, vs]) => [k, vs.reduce((s, v) => s + v, 0) / vs.length] as const),
    }));
}

export interface ScatterPoint {
  name: string;
  x: number;
  y: number;
}

/** Effectiveness against sparsity: one labelled point per run having both metrics on the split. */
export function sparsityPoints(runs: readonly RunRow[], x: string, y: string, where: SplitRef | null): ScatterPoint[] {
  const out: ScatterPoint[] = [];
  for (const run of runs) {
    const xv = runMetric(run, x, where);
    const yv = runMetric(run, y, where);
    if (xv !== null && yv !== null) out.push({ name: run.name, x: xv, y: yv });
  }
  return out;
}

/** The dataset splits the runs were evaluated on, the ones most runs share first. */
export function sharedSplits(runs: readonly RunRow[]): SplitRef[] {
  const counts = new Map<string, { ref: SplitRef; n: number }>();
  for (const run of runs) {
    const seen = new Set<string>();
    for (const e of run.evaluations) {
      const key = `${e.dataset}/${e.split}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const c = counts.get(key) ?? { ref: { dataset: e.dataset, split: e.split }, n: 0 };
      c.n++;
      counts.set(key, c);
    }
  }
  return [...counts.entries()].sort(([ka, a], [kb, b]) => b.n - a.n || ka.localeCompare(kb)).map(([, c]) => c.ref);
}
