import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ConfigDiff, PerQueryDiff, RunRow } from '../../../shared/contract.ts';
import { useTransport } from '../transport/inject.ts';
import type { ChartSeries } from '../lib/series.ts';
import { chartPoints } from '../lib/series-merge.ts';
import { sharedSplits, type SplitRef } from '../lib/compare-charts.ts';
import { isBaseline } from '../lib/run-fields.ts';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const CURVE_MAX_POINTS = 1000;

/**
 * The runs being compared, with what the Compare view draws from them: the curves of one metric, their
 * config diff, the stored BM25 baselines, and the per-query differences of two of them.
 */
export const useCompareStore = defineStore('compare', () => {
  const transport = useTransport();
  const runIds = ref<string[]>([]);
  const runs = ref<RunRow[]>([]);
  const baselines = ref<RunRow[]>([]);
  const metricNames = ref<string[]>([]);
  const metric = ref('loss');
  const curves = shallowRef<ChartSeries[]>([]);
  // Replaced whole, never edited: shallow (a deep ref would also unwrap the recursive JsonValue type).
  const configDiff = shallowRef<ConfigDiff | null>(null);
  const split = ref<SplitRef | null>(null);
  const perQuery = shallowRef<PerQueryDiff | null>(null);
  const perQueryError = ref<string | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(false);
  let generation = 0;

  const splits = computed(() => sharedSplits(runs.value));
  /** Baselines evaluated on the chosen split. */
  const splitBaselines = computed(() =>
    split.value === null ? [] : baselines.value.filter((b) => b.evaluations.some((e) => e.dataset === split.value!.dataset && e.split === split.value!.split)),
  );

  async function loadCurves(gen: number): Promise<void> {
    const name = metric.value;
    const results = await Promise.all(runs.value.map((r) => transport.call('runs.series', { runId: r.id, names: [name], maxPoints: CURVE_MAX_POINTS })));
    if (gen !== generation) return;
    curves.value = results.map((res, i) => ({ name: runs.value[i].name, points: chartPoints(res.series[0] ?? { steps: [], values: [] }) }));
  }

  /** Compares these runs (in this order). */
  async function load(ids: readonly string[]): Promise<void> {
    const gen = ++generation;
    runIds.value = [...ids];
    loading.value = true;
    error.value = null;
    perQuery.value = null;
    perQueryError.value = null;
    try {
      const [details, all, names, diff] = await Promise.all([
        Promise.all(ids.map((runId) => transport.call('runs.get', { runId }))),
        transport.call('runs.list', {}),
        Promise.all(ids.map((runId) => transport.call('runs.metricNames', { runId }))),
        ids.length >= 2 ? transport.call('compare.configDiff', { runIds: [...ids] }) : Promise.resolve(null),
      ]);
      if (gen !== generation) return;
      runs.value = details.map(({ history: _h, checkpoints: _c, heartbeatAt: _b, host: _o, ...row }) => row);
      baselines.value = all.filter(isBaseline);
      metricNames.value = [...new Set(names.flat())].sort();
      if (!metricNames.value.includes(metric.value) && metricNames.value.length > 0) metric.value = metricNames.value.includes('loss') ? 'loss' : metricNames.value[0];
      configDiff.value = diff;
      const known = splits.value;
      if (!split.value || !known.some((s) => s.dataset === split.value!.dataset && s.split === split.value!.split)) split.value = known[0] ?? null;
      await loadCurves(gen);
    } catch (err) {
      if (gen === generation) error.value = message(err);
    } finally {
      if (gen === generation) loading.value = false;
    }
  }

  async function setMetric(name: string): Promise<void> {
    metric.value = name;
    try {
      await loadCurves(generation);
    } catch (err) {
      error.value = message(err);
    }
  }

  /** Per-query differences of b against a on the chosen split. */
  async function loadPerQuery(runA: string, runB: string, queryMetric: string): Promise<void> {
    const gen = generation;
    perQueryError.value = null;
    try {
      const where = split.value ?? undefined;
      const result = await transport.call('compare.perQuery', { runA, runB, dataset: where?.dataset, split: where?.split, metric: queryMetric });
      if (gen === generation) perQuery.value = result;
    } catch (err) {
      if (gen !== generation) return;
      perQuery.value = null;
      perQueryError.value = message(err);
    }
  }

  return { runIds, runs, baselines, splitBaselines, metricNames, metric, curves, configDiff, split, splits, perQuery, perQueryError, error, loading, load, setMetric, loadPerQuery };
});
