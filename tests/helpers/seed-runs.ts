import type { RunStatus } from '../../src/core/store/run-status.ts';
import type { RunRecord } from '../../src/core/store/runs.ts';
import type { Store } from '../../src/core/store/store.ts';
import type { EvaluationMetrics } from '../../src/core/store/evaluations.ts';

/** A run as the orchestration stores it (`RunConfigJson`: run-level fields, hyperparameters under `train`). */
export interface SeedRunSpec {
  name: string;
  model: string;
  k: number;
  dataset?: string;
  seed?: number;
  steps?: number;
  train?: Record<string, number | string | boolean>;
  tags?: string[];
  notes?: string;
  /** Metric rows recorded at steps 1..recordedSteps. */
  recordedSteps?: number;
  status?: Extract<RunStatus, 'queued' | 'running' | 'finished' | 'collapsed' | 'failed' | 'cancelled'>;
  reason?: string;
  /** Step at which the final status is reached (default: recordedSteps). */
  endStep?: number;
  evaluations?: { step: number; dataset: string; split: string; metrics: EvaluationMetrics; perQuery?: Record<string, EvaluationMetrics> }[];
  pid?: number;
}

/**
 * The metrics one SPLADE update records (names as train-step.ts documents them), as smooth functions of the
 * step so charts have a shape: losses decay, λ warms up quadratically, nonzeros shrink.
 */
export function trainingMetrics(step: number, k: number): Record<string, number> {
  const warm = Math.min(1, step / 50) ** 2;
  return {
    loss: 2 / (1 + step / 20) + 0.1,
    rank: 1.8 / (1 + step / 20),
    flops_q: 40 / (k * (1 + step / 30)),
    flops_d: 90 / (k * (1 + step / 30)),
    lambda_flops_q: 5e-4 * warm,
    lambda_flops_d: 3e-4 * warm,
    lr: 2e-5 * Math.min(1, step / 10),
    grad_norm: 3 / Math.sqrt(step),
    q_nnz_mean: 30 + 200 / (k * (1 + step / 40)),
    d_nnz_mean: 120 + 800 / (k * (1 + step / 40)),
    decoder_norm: 250 / k,
    tokens_per_s: 1800 + (step % 7) * 10,
    step_s: 0.5,
  };
}

export function recordSteps(store: Store, runId: string, from: number, to: number, k: number): void {
  const rows = [];
  for (let step = from; step <= to; step++) {
    for (const [name, value] of Object.entries(trainingMetrics(step, k))) rows.push({ step, name, value, wallTime: 1_700_000_000_000 + step * 500 });
  }
  store.metrics.insertBatch(runId, rows);
}

/** Creates a run through the store API and takes it through its lifecycle as a training process would. */
export function seedRun(store: Store, spec: SeedRunSpec): RunRecord {
  const steps = spec.recordedSteps ?? 0;
  const run = store.runs.create({
    name: spec.name,
    tags: spec.tags,
    notes: spec.notes,
    config: {
      kind: 'splade',
      model: spec.model,
      dataset: spec.dataset ?? 'cranfield',
      k: spec.k,
      seed: spec.seed ?? 42,
      steps: spec.steps ?? 100,
      checkpointEvery: 50,
      evalEvery: 0,
      train: { lr: 2e-5, batchSize: 16, lambdaQ: 5e-4, lambdaD: 3e-4, ...spec.train },
    },
  });
  const status = spec.status ?? 'finished';
  if (status === 'queued') return store.runs.require(run.id);
  store.runs.transition(run.id, 'running', { pid: spec.pid ?? process.pid });
  if (steps > 0) recordSteps(store, run.id, 1, steps, spec.k);
  for (const e of spec.evaluations ?? []) store.evaluations.add({ runId: run.id, ...e });
  if (status !== 'running') store.runs.transition(run.id, status, { reason: spec.reason ?? null, step: spec.endStep ?? steps });
  return store.runs.require(run.id);
}

/**
 * A BM25 baseline as the `bm25` executor stores it: a run of kind `bm25`, no training, one evaluation at
 * step 0 whose metrics also carry the corpus size and the BM25 parameters.
 */
export function seedBaseline(store: Store, dataset: string, split: string, metrics: EvaluationMetrics, perQuery?: Record<string, EvaluationMetrics>): RunRecord {
  const run = store.runs.create({ name: `bm25-${dataset}`, config: { kind: 'bm25', model: 'bm25', dataset, k: 1, seed: 42, train: { k1: 0.9, b: 0.4, evalSplit: split } } });
  store.runs.transition(run.id, 'running');
  store.evaluations.add({ runId: run.id, step: 0, dataset, split, metrics: { ...metrics, docs: 1400, k1: 0.9, b: 0.4 }, perQuery });
  store.runs.transition(run.id, 'finished', { step: 0 });
  return store.runs.require(run.id);
}
