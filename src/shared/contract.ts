/**
 * The one API contract between the renderer and the Node side. Every method the renderer may call is
 * declared here once, with its params and result; the Electron IPC channel and the web-mode WebSocket both
 * dispatch over it. This file imports nothing.
 */

export interface AppInfo {
  version: string;
  backend: string | null;
  home: string;
  platform: string;
}

export const RUN_STATUS_VALUES = ['queued', 'running', 'finished', 'failed', 'collapsed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUS_VALUES)[number];

/** A value as run configs hold them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One evaluation of a run on a dataset split. Values are null where NaN was recorded. */
export interface EvaluationInfo {
  id: number;
  step: number;
  dataset: string;
  split: string;
  /** Metric name as `lsr eval` prints it (`ndcg@10`, `doc_nnz_mean`, `flops`, …) → value. */
  metrics: Record<string, number | null>;
  /** Whether per-query values were stored with it (what `compare.perQuery` reads). */
  hasPerQuery: boolean;
  createdAt: string;
}

/** A run as listings show it. */
export interface RunRow {
  id: string;
  name: string;
  status: RunStatus;
  /** Why the run is in its status (failure message, collapse cause, …). */
  reason: string | null;
  /** The config the run was created with (backbone, k, hyperparameters, …). */
  config: { [key: string]: JsonValue };
  tags: string[];
  notes: string;
  sweepId: string | null;
  /** The highest step recorded. */
  step: number | null;
  /** A cancel was asked for and the training process has not stopped yet. */
  cancelRequested: boolean;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** Metric name → its value at the highest step recorded for it (null: NaN). */
  lastMetrics: Record<string, number | null>;
  /** The latest evaluation of each dataset and split. */
  evaluations: EvaluationInfo[];
}

export interface StatusChangeInfo {
  from: RunStatus | null;
  to: RunStatus;
  reason: string | null;
  step: number | null;
  at: string;
}

export interface RunDetail extends RunRow {
  /** Every status change, oldest first. */
  history: StatusChangeInfo[];
  checkpoints: { step: number; path: string; createdAt: string }[];
  heartbeatAt: string | null;
  host: string | null;
}

export interface RunListFilter {
  /** Any of these statuses. */
  status?: RunStatus[];
  tag?: string;
  sweepId?: string;
  /** Case-insensitive substring of the id, name, notes or a tag. */
  text?: string;
}

/**
 * One metric of one run in step order. When downsampled, each point stands for a bucket of steps: `steps`
 * holds the bucket's last step, `values` its mean, `min`/`max` its extremes. Null where NaN was recorded.
 */
export interface MetricSeriesData {
  name: string;
  steps: number[];
  values: (number | null)[];
  /** Milliseconds since the epoch. */
  wallTimes: number[];
  min?: (number | null)[];
  max?: (number | null)[];
}

export interface SeriesQuery {
  runId: string;
  /** Default: every metric recorded for the run. */
  names?: string[];
  /** Only points after this step (live charts fetch what is new). */
  sinceStep?: number;
  /** Downsample series longer than this. */
  maxPoints?: number;
}

export interface SeriesResult {
  runId: string;
  /** The run's highest recorded step when the series were read. */
  lastStep: number | null;
  series: MetricSeriesData[];
}

/** A config value of one run in a diff; `present: false` when that run's config lacks the key. */
export type ConfigCell = { present: true; value: JsonValue } | { present: false };

export interface ConfigDiff {
  runIds: string[];
  /** Only the keys (dotted paths into the configs) whose values are not all equal, sorted. */
  rows: { key: string; values: ConfigCell[] }[];
  /** How many keys hold the same value in every run. */
  sameCount: number;
}

export interface PerQuerySide {
  runId: string;
  evaluationId: number;
  step: number;
  /** Mean of the metric over the queries that have it. */
  mean: number | null;
  queries: number;
}

export interface PerQueryRow {
  queryId: string;
  a: number | null;
  b: number | null;
  /** b − a; null unless both runs have the query. */
  delta: number | null;
}

export interface PerQueryDiff {
  dataset: string;
  split: string;
  metric: string;
  a: PerQuerySide;
  b: PerQuerySide;
  /** Largest delta first; queries only one run has come last. */
  rows: PerQueryRow[];
  better: number;
  worse: number;
  tied: number;
  /** The per-query metrics both evaluations hold, sorted. */
  metrics: string[];
}

export interface DatasetInfo {
  name: string;
  format: string;
  docs: number;
  queries: number;
  /** Split name → qrels lines. */
  splits: Record<string, number>;
  trainingExamples: number;
  importedAt: string;
}

export interface ApiMethods {
  'app.info': { params: Record<string, never>; result: AppInfo };
  'runs.list': { params: RunListFilter; result: RunRow[] };
  'runs.get': { params: { runId: string }; result: RunDetail };
  'runs.metricNames': { params: { runId: string }; result: string[] };
  'runs.series': { params: SeriesQuery; result: SeriesResult };
  /** Every evaluation of a run in step order. */
  'runs.evaluations': { params: { runId: string }; result: EvaluationInfo[] };
  'runs.updateMeta': { params: { runId: string; name?: string; tags?: string[]; notes?: string }; result: RunRow };
  /** A running run is asked to stop (its process stops at the next step); a queued or interrupted one is cancelled at once. */
  'runs.cancel': { params: { runId: string }; result: { outcome: 'requested' | 'cancelled' | 'already-ended'; run: RunRow } };
  /** Refused (`conflict`) while a process may work on the run. `removeFiles` also deletes `<home>/runs/<id>`. */
  'runs.delete': { params: { runId: string; removeFiles?: boolean }; result: { runId: string; removedFiles: boolean } };
  'datasets.list': { params: Record<string, never>; result: DatasetInfo[] };
  'compare.configDiff': { params: { runIds: string[] }; result: ConfigDiff };
  /** Per-query values of two runs' latest evaluations on the same dataset split (the first both have, when not named). */
  'compare.perQuery': {
    params: { runA: string; runB: string; dataset?: string; split?: string; metric?: string };
    result: PerQueryDiff;
  };
}

export type Method = keyof ApiMethods;
export type Params<M extends Method> = ApiMethods[M]['params'];
export type Result<M extends Method> = ApiMethods[M]['result'];

/** Events pushed from the Node side to every connected renderer. */
export interface ApiEvents {
  'app.log': { level: 'info' | 'warn' | 'error'; message: string };
  /** Runs were created, deleted, or changed status, name, tags or notes (by any process). */
  'runs.changed': { runIds: string[]; removed: string[] };
  /** New metric points of a run are stored, up to `step` (lower than before: the run was rewound to resume). */
  'runs.metrics': { runId: string; step: number };
}
export type EventName = keyof ApiEvents;

/** The renderer's whole window onto the Node side (exposed by the preload, or built over a WebSocket). */
export interface Transport {
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, fn: (payload: ApiEvents[E]) => void): () => void;
}

/**
 * Errors cross the boundary as plain data. `unavailable` comes from a transport, never a handler: the call
 * could not reach the Node side, or the connection closed before the answer came.
 */
export type ApiErrorCode = 'bad_request' | 'not_found' | 'conflict' | 'internal' | 'cancelled' | 'unavailable';
export interface ApiErrorData {
  code: ApiErrorCode;
  message: string;
}
