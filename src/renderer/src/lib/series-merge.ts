import type { MetricSeriesData } from '../../../shared/contract.ts';

/** A metric's points as the renderer keeps them: steps ascending, null where NaN was recorded. */
export interface LocalSeries {
  steps: number[];
  values: (number | null)[];
}

/**
 * Adds points fetched with `sinceStep`: the local points after `sinceStep` are replaced by the fetched
 * ones (a step re-recorded, e.g. after a resume, takes its new value). Returns a new object.
 */
export function mergeSeries(local: LocalSeries | undefined, fetched: Pick<MetricSeriesData, 'steps' | 'values'>, sinceStep: number): LocalSeries {
  const steps = local ? [...local.steps] : [];
  const values = local ? [...local.values] : [];
  let keep = steps.length;
  while (keep > 0 && steps[keep - 1] > sinceStep) keep--;
  steps.length = keep;
  values.length = keep;
  for (let i = 0; i < fetched.steps.length; i++) {
    if (fetched.steps[i] <= sinceStep) continue;
    steps.push(fetched.steps[i]);
    values.push(fetched.values[i]);
  }
  return { steps, values };
}

/** (step, value) pairs for a chart; NaN points (null) are left out. */
export function chartPoints(s: LocalSeries): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < s.steps.length; i++) {
    const v = s.values[i];
    if (v !== null) out.push([s.steps[i], v]);
  }
  return out;
}

/** The highest step among all series, or null when none has a point. */
export function maxStep(all: Iterable<LocalSeries>): number | null {
  let max: number | null = null;
  for (const s of all) {
    const last = s.steps.at(-1);
    if (last !== undefined && (max === null || last > max)) max = last;
  }
  return max;
}
