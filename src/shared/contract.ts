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

/** SPLADE runs are compared by their effective settings (the defaults their stored config leaves out filled in). */
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

// Run setup and term inspector: models, inspection, dataset import and items, starting runs, long tasks.

/** `lsr head-stats --json` fields of one k (the contract's names, like metric keys), plus the pairwise cosine. */
export interface HeadStatsValues {
  decoder_weight_frobenius_norm: number;
  decoder_weight_mean_row_l2_norm: number;
  decoder_bias_l2_norm: number;
  /** Mean over non-padding tokens of the L2 norm of the token's logits. */
  logits_l2_mean: number;
  splade_nnz_mean: number;
  splade_weight_mean: number;
  splade_weight_max: number;
  splade_l1_mean: number;
  logits_max_mean: number;
  /** Mean cosine similarity of two different texts' SPLADE vectors; null with fewer than two non-empty vectors. */
  splade_cosine_mean: number | null;
}

export interface HeadCheckRow {
  k: number;
  stats: HeadStatsValues;
  /** Mean non-zeros per vector over the vocabulary size. */
  nnzFraction: number;
  /** Mean non-zeros above the trainer's saturation threshold (the same at every k). */
  saturated: boolean;
  /** Largest weight within the rule's bound. */
  weightOk: boolean;
  /** Mean cosine of different texts within the rule's bound. */
  distinguishable: boolean;
  /** The k qualifies under the suggestion rule. */
  meetsRule: boolean;
}

export interface HeadCheckResult {
  model: string;
  folder: string;
  architecture: string;
  vocabSize: number;
  tied: boolean;
  texts: number;
  tokens: number;
  maxLength: number;
  /** One row per candidate k, increasing. */
  rows: HeadCheckRow[];
  suggestion: {
    /** Null when no candidate meets the rule. */
    k: number | null;
    /** The rule in words, thresholds included. */
    rule: string;
    reason: string;
    /** What no k fixes (saturated vectors, look-alike texts). */
    warnings: string[];
  };
}

export type TextKindName = 'query' | 'document';

export interface InspectedToken {
  /** Position in the model's input, special tokens included. */
  position: number;
  id: number;
  token: string;
  /** The token's surface text as its tokenizer decodes it (ModernBERT's `Ġboundary` is " boundary"). */
  text: string;
}

export interface InspectedTerm {
  id: number;
  token: string;
  /** The term's surface text as its tokenizer decodes it. */
  text: string;
  weight: number;
  /** Not among the input's token ids: a term the model added. */
  expansion: boolean;
  /** The input token whose logit for this term was the max. */
  source: { position: number; token: string };
}

export interface InspectTermsResult {
  model: string;
  folder: string;
  /** The rescale factor applied on top of the loaded weights (a run's checkpoint already holds its own k). */
  k: number;
  kind: TextKindName;
  tokens: InspectedToken[];
  truncated: boolean;
  nnz: number;
  l1: number;
  /** Heaviest first. */
  terms: InspectedTerm[];
}

export interface DatasetItemsResult {
  dataset: string;
  kind: TextKindName;
  items: { id: string; text: string }[];
  /** More items match than were returned. */
  more: boolean;
}

export const DATASET_FORMAT_VALUES = ['beir', 'trec', 'msmarco', 'smart'] as const;
export type DatasetFormatName = (typeof DATASET_FORMAT_VALUES)[number];

export interface ModelDownloadResult {
  model: string;
  folder: string;
  commit: string;
  /** Served from the local cache without downloading. */
  fromCache: boolean;
}

/** What `lsr train` takes, as one request: lists in `models`, `ks` and `seeds` make a sweep. */
export interface RunStartParams {
  name?: string;
  tags?: string[];
  notes?: string;
  /** Executor kind; default `splade`. */
  kind?: string;
  models: string[];
  dataset: string;
  ks: number[];
  seeds?: number[];
  steps?: number;
  checkpointEvery?: number;
  evalEvery?: number;
  backend?: string;
  /** Runs of this request training at once. Default 1. */
  maxParallel?: number;
  collapse?: { action?: 'stop' | 'continue'; patience?: number; saturationFraction?: number };
  /** Hyperparameters by their src/shared/train-config.ts names; left out: the executor's defaults. */
  train?: { [key: string]: JsonValue };
}

export interface RunPlan {
  /** More than one run: they share a sweep id. */
  sweep: boolean;
  runs: { name: string | null; model: string; k: number; seed: number }[];
}

/** Progress of a long call started with a `taskId`. */
export interface TaskProgress {
  taskId: string;
  method: string;
  message: string;
  /** 0..1 when known. */
  fraction: number | null;
}

/** The one-click demo: what is registered, the runs it would create, and its latest sweep. */
export interface DemoInfo {
  /** The demo datasets registered in this workspace (by the demo, at start), with their folders. */
  datasets: { name: string; path: string }[];
  /** The demo backbones found at start (model folders). */
  backbones: { id: string; label: string; path: string }[];
  /** Both datasets and at least one backbone: the demo can run. */
  ready: boolean;
  /** The runs `demo.run` would create, in queue order (k null for BM25). */
  plan: { name: string; kind: string; backbone: string; k: number | null }[];
  /** The latest demo sweep in this workspace, if any. */
  sweep: { sweepId: string; runs: { runId: string; name: string; status: RunStatus }[] } | null;
  /** The latest demo sweep still has runs queued or running (demo.run is refused then). */
  active: boolean;
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
  /** Head-scale check of a backbone for candidate k (on `texts`, or built-in sample texts), with a suggested k. */
  'models.headCheck': { params: { model: string; ks: number[]; texts?: string[]; taskId?: string }; result: HeadCheckResult };
  /** Fetches a hub model into the local cache (progress as `tasks.progress`). */
  'models.download': { params: { model: string; taskId?: string }; result: ModelDownloadResult };
  /** The top activated terms of one text under one model. */
  'inspect.terms': {
    params: { model: string; k?: number; text: string; kind: TextKindName; top?: number; taskId?: string };
    result: InspectTermsResult;
  };
  'datasets.items': { params: { dataset: string; kind: TextKindName; search?: string; limit?: number }; result: DatasetItemsResult };
  'datasets.import': {
    params: { format: DatasetFormatName; path: string; name: string; replace?: boolean; taskId?: string };
    result: DatasetInfo;
  };
  /** The runs `runs.start` would create, without creating them. */
  'runs.plan': { params: RunStartParams; result: RunPlan };
  /** Creates the runs (queued) and trains them from this API process's queue, each in its own process. */
  'runs.start': { params: RunStartParams; result: { runIds: string[]; sweepId: string | null } };
  /** Queues a cancelled, interrupted or queued run again, from its last checkpoint. */
  'runs.resume': { params: { runId: string }; result: { runId: string; startStep: number } };
  'demo.info': { params: Record<string, never>; result: DemoInfo };
  /** Creates the demo sweep's runs (queued) and trains them from this API's queue; refused (`conflict`) while a demo sweep is active. */
  'demo.run': { params: Record<string, never>; result: { sweepId: string; runIds: string[] } };
  /** Cancels a long call started with this `taskId`; it then fails with code `cancelled`. */
  'tasks.cancel': { params: { taskId: string }; result: { cancelled: boolean } };
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
  /** Progress of a long call started with a `taskId`. */
  'tasks.progress': TaskProgress;
  /** What a run's process says while it trains (loading, downloading, step), at most a few times a second. */
  'runs.progress': { runId: string; step: number; totalSteps: number; message: string | null };
  /** Datasets were imported (or replaced) by this API. */
  'datasets.changed': { names: string[] };
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
