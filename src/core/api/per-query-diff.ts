import type { PerQueryRow } from '../../shared/contract.ts';
import type { EvaluationMetrics } from '../store/evaluations.ts';

export interface PerQueryComparison {
  rows: PerQueryRow[];
  better: number;
  worse: number;
  tied: number;
  meanA: number | null;
  meanB: number | null;
  queriesA: number;
  queriesB: number;
}

/** Differences smaller than this are ties (the values went through float32 and JSON). */
const TIE = 1e-9;
const collator = new Intl.Collator('en', { numeric: true });

function valueOf(perQuery: Record<string, EvaluationMetrics>, queryId: string, metric: string): number | null {
  const v = perQuery[queryId]?.[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * One metric of two evaluations query by query: delta = b − a, largest first (ties by query id), the
 * queries only one side has last. Means are over each side's own queries.
 */
export function comparePerQuery(a: Record<string, EvaluationMetrics>, b: Record<string, EvaluationMetrics>, metric: string): PerQueryComparison {
  const ids = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const rows: PerQueryRow[] = [];
  const valuesA: number[] = [];
  const valuesB: number[] = [];
  let better = 0;
  let worse = 0;
  let tied = 0;
  for (const queryId of ids) {
    const va = valueOf(a, queryId, metric);
    const vb = valueOf(b, queryId, metric);
    if (va === null && vb === null) continue;
    if (va !== null) valuesA.push(va);
    if (vb !== null) valuesB.push(vb);
    const delta = va !== null && vb !== null ? vb - va : null;
    if (delta !== null) {
      if (Math.abs(delta) <= TIE) tied++;
      else if (delta > 0) better++;
      else worse++;
    }
    rows.push({ queryId, a: va, b: vb, delta });
  }
  rows.sort((x, y) => {
    if (x.delta === null || y.delta === null) {
      if (x.delta !== y.delta) return x.delta === null ? 1 : -1;
    } else if (x.delta !== y.delta) return y.delta - x.delta;
    return collator.compare(x.queryId, y.queryId);
  });
  return { rows, better, worse, tied, meanA: mean(valuesA), meanB: mean(valuesB), queriesA: valuesA.length, queriesB: valuesB.length };
}

/** The metric names the per-query values of both evaluations hold. */
export function sharedMetricNames(a: Record<string, EvaluationMetrics>, b: Record<string, EvaluationMetrics>): string[] {
  const names = (pq: Record<string, EvaluationMetrics>) => new Set(Object.values(pq).flatMap((m) => Object.keys(m)));
  const inB = names(b);
  return [...names(a)].filter((n) => inB.has(n)).sort();
}
