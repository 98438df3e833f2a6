import type { EvaluationInfo, JsonValue, MetricSeriesData, RunDetail, RunRow } from '../../shared/contract.ts';
import type { EvaluationRecord } from '../store/evaluations.ts';
import type { MetricSeries } from '../store/metrics.ts';
import type { RunRecord } from '../store/runs.ts';
import type { Store } from '../store/store.ts';

/** JSON has no NaN or Infinity: the contract says null instead, explicitly. */
export function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function metricValues(metrics: Record<string, number | null>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [name, value] of Object.entries(metrics)) out[name] = finiteOrNull(value);
  return out;
}

export function evaluationInfo(e: EvaluationRecord, withPerQuery: Set<number>): EvaluationInfo {
  return {
    id: e.id,
    step: e.step,
    dataset: e.dataset,
    split: e.split,
    metrics: metricValues(e.metrics),
    hasPerQuery: withPerQuery.has(e.id),
    createdAt: e.createdAt,
  };
}

/** A stored run as listings show it: its record, last metric values and latest evaluation per dataset split. */
export function runRow(store: Store, run: RunRecord): RunRow {
  const lastMetrics: Record<string, number | null> = {};
  for (const [name, last] of Object.entries(store.metrics.last(run.id))) lastMetrics[name] = finiteOrNull(last.value);
  const withPerQuery = store.evaluations.idsWithPerQuery(run.id);
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    reason: run.reason,
    // Parsed from a JSON column, so it holds JSON values only.
    config: run.config as { [key: string]: JsonValue },
    tags: run.tags,
    notes: run.notes,
    sweepId: run.sweepId,
    step: run.lastStep,
    cancelRequested: run.cancelRequestedAt !== null,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    lastMetrics,
    evaluations: store.evaluations.latest(run.id).map((e) => evaluationInfo(e, withPerQuery)),
  };
}

export function runDetail(store: Store, run: RunRecord): RunDetail {
  return {
    ...runRow(store, run),
    history: store.runs.history(run.id),
    checkpoints: store.checkpoints.list(run.id).map((c) => ({ step: c.step, path: c.path, createdAt: c.createdAt })),
    heartbeatAt: run.heartbeatAt,
    host: run.host,
  };
}

export function seriesData(s: MetricSeries): MetricSeriesData {
  const out: MetricSeriesData = { name: s.name, steps: s.steps, values: s.values.map(finiteOrNull), wallTimes: s.wallTimes };
  if (s.min) out.min = s.min.map(finiteOrNull);
  if (s.max) out.max = s.max.map(finiteOrNull);
  return out;
}
