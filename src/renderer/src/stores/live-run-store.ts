import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { EvaluationInfo, RunDetail } from '../../../shared/contract.ts';
import { useTransport } from '../transport/inject.ts';
import { maxStep, mergeSeries, type LocalSeries } from '../lib/series-merge.ts';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Points per series on the first load (longer runs are downsampled by the server); live additions come raw. */
export const INITIAL_MAX_POINTS = 2000;
const DETAIL_REFRESH_MS = 2000;

/**
 * One run's curves while it trains. The first load reads every series (downsampled); after that only what
 * is new (`sinceStep`), on the server's `runs.metrics` event or the view's once-a-second tick, one fetch
 * at a time. The last step is fetched again each time, so values recorded late for it are not lost.
 */
export const useLiveRunStore = defineStore('live-run', () => {
  const transport = useTransport();
  const runId = ref<string | null>(null);
  const detail = ref<RunDetail | null>(null);
  /** Metric name → points; replaced (not mutated) on every update so charts see the change. */
  const series = shallowRef<Record<string, LocalSeries>>({});
  const evaluations = ref<EvaluationInfo[]>([]);
  const lastStep = ref<number | null>(null);
  const error = ref<string | null>(null);
  const deleted = ref(false);
  const updatedAt = ref<number | null>(null);
  let generation = 0;
  let inFlight: Promise<void> | null = null;
  let again = false;
  let detailFetchedAt = 0;

  async function loadDetail(id: string, gen: number): Promise<void> {
    const d = await transport.call('runs.get', { runId: id });
    if (gen === generation) detail.value = d;
  }

  async function loadAll(id: string, gen: number): Promise<void> {
    const [result, evals] = await Promise.all([
      transport.call('runs.series', { runId: id, maxPoints: INITIAL_MAX_POINTS }),
      transport.call('runs.evaluations', { runId: id }),
      loadDetail(id, gen),
    ]);
    if (gen !== generation) return;
    const next: Record<string, LocalSeries> = {};
    for (const s of result.series) next[s.name] = { steps: s.steps, values: s.values };
    series.value = next;
    evaluations.value = evals;
    lastStep.value = maxStep(Object.values(next));
    updatedAt.value = Date.now();
  }

  /** Shows a run: everything recorded so far. */
  async function open(id: string): Promise<void> {
    const gen = ++generation;
    runId.value = id;
    detail.value = null;
    series.value = {};
    evaluations.value = [];
    lastStep.value = null;
    deleted.value = false;
    error.value = null;
    try {
      await loadAll(id, gen);
      if (gen === generation) error.value = null;
    } catch (err) {
      if (gen === generation) error.value = message(err);
    }
  }

  async function fetchNewOnce(id: string, gen: number): Promise<void> {
    const since = lastStep.value === null ? -1 : lastStep.value - 1;
    const [result, evals] = await Promise.all([
      transport.call('runs.series', { runId: id, sinceStep: since }),
      transport.call('runs.evaluations', { runId: id }),
    ]);
    if (gen !== generation) return;
    const next = { ...series.value };
    for (const s of result.series) next[s.name] = mergeSeries(next[s.name], s, since);
    series.value = next;
    // Raw points added live pile up on a long run: read it again, downsampled, now and then.
    if (Object.values(next).some((s) => s.steps.length > 2 * INITIAL_MAX_POINTS)) void reload();
    if (evals.length !== evaluations.value.length || evals.at(-1)?.id !== evaluations.value.at(-1)?.id) evaluations.value = evals;
    lastStep.value = maxStep(Object.values(next));
    updatedAt.value = Date.now();
  }

  /** Reads the whole run again, keeping what is shown until the new data is there. */
  async function reload(): Promise<void> {
    const id = runId.value;
    if (id === null) return;
    try {
      await loadAll(id, generation);
    } catch (err) {
      error.value = message(err);
    }
  }

  /** Fetches the points after the last one held; a call while one is in flight runs once more after it. */
  function fetchNew(): Promise<void> {
    const id = runId.value;
    if (id === null || deleted.value) return Promise.resolve();
    if (inFlight) {
      again = true;
      return inFlight;
    }
    const gen = generation;
    inFlight = (async () => {
      try {
        do {
          again = false;
          await fetchNewOnce(id, gen);
        } while (again && gen === generation);
        error.value = null;
      } catch (err) {
        if (gen === generation) error.value = message(err);
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  }

  /** The banner's step and heartbeat follow the points, at most every DETAIL_REFRESH_MS. */
  function refreshDetailSoon(id: string): void {
    const now = Date.now();
    if (now - detailFetchedAt < DETAIL_REFRESH_MS) return;
    detailFetchedAt = now;
    void loadDetail(id, generation).catch(() => {});
  }

  transport.on('runs.metrics', ({ runId: id, step }) => {
    if (id !== runId.value) return;
    // Rewound to resume from a checkpoint: what we hold after that step is gone.
    if (lastStep.value !== null && step < lastStep.value) {
      void reload();
      return;
    }
    if (detail.value && (detail.value.step === null || step > detail.value.step)) detail.value = { ...detail.value, step };
    refreshDetailSoon(id);
    void fetchNew();
  });
  transport.on('runs.changed', ({ runIds, removed }) => {
    const id = runId.value;
    if (id === null) return;
    if (removed.includes(id)) deleted.value = true;
    else if (runIds.includes(id)) void loadDetail(id, generation).catch((err: unknown) => (error.value = message(err)));
  });

  return { runId, detail, series, evaluations, lastStep, error, deleted, updatedAt, open, fetchNew, refreshDetail: () => (runId.value ? loadDetail(runId.value, generation) : Promise.resolve()) };
});
