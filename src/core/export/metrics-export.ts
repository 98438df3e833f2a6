import type { EvaluationRecord } from '../store/evaluations.ts';
import type { MetricRow } from '../store/metrics.ts';
import type { Store } from '../store/store.ts';

export type MetricsFormat = 'csv' | 'json';

export interface RunMetricsData {
  run: { id: string; name: string; status: string };
  /** Every recorded point of every series, by step then name. */
  metrics: MetricRow[];
  /** In step order. */
  evaluations: EvaluationRecord[];
}

export const CSV_COLUMNS = ['kind', 'step', 'name', 'value', 'wall_time', 'dataset', 'split'] as const;

/** Everything a run recorded, read from the store. */
export function readRunMetrics(store: Store, runRef: string): RunMetricsData {
  const run = store.runs.resolve(runRef);
  return {
    run: { id: run.id, name: run.name, status: run.status },
    metrics: store.metrics.rows(run.id),
    evaluations: store.evaluations.list(run.id),
  };
}

/** RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Shortest round-trip decimal; NaN and infinities as `NaN`, `Infinity`, `-Infinity` (pandas reads them). */
function csvNumber(v: number): string {
  return String(v);
}

const isoOf = (ms: number): string => new Date(ms).toISOString();

/**
 * One CSV table: a row per metric point (`kind` = `metric`, wall time as ISO 8601 UTC) and a row per metric
 * of each evaluation (`kind` = `evaluation`, with its dataset and split; wall time = when it was recorded).
 */
export function metricsCsv(data: RunMetricsData): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of data.metrics) {
    lines.push(['metric', String(r.step), csvField(r.name), csvNumber(r.value), isoOf(r.wallTime), '', ''].join(','));
  }
  for (const e of data.evaluations) {
    for (const [name, value] of Object.entries(e.metrics)) {
      lines.push(['evaluation', String(e.step), csvField(name), csvNumber(value), e.createdAt, csvField(e.dataset), csvField(e.split)].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

const jsonNumber = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The same content as one JSON object; non-finite values become null (JSON has no NaN). */
export function metricsJson(data: RunMetricsData): string {
  return (
    JSON.stringify({
      run: data.run,
      metrics: data.metrics.map((r) => ({ step: r.step, name: r.name, value: jsonNumber(r.value), wall_time: isoOf(r.wallTime) })),
      evaluations: data.evaluations.map((e) => ({
        step: e.step,
        dataset: e.dataset,
        split: e.split,
        metrics: Object.fromEntries(Object.entries(e.metrics).map(([k, v]) => [k, jsonNumber(v)])),
        created_at: e.createdAt,
      })),
    }) + '\n'
  );
}
