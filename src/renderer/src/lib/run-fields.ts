import type { EvaluationInfo, JsonValue, RunRow, RunStatus } from '../../../shared/contract.ts';
import { TRAIN_CONFIG_DEFAULTS } from '../../../shared/train-config.ts';

type Config = RunRow['config'];

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const DEFAULTS = TRAIN_CONFIG_DEFAULTS as unknown as Record<string, JsonValue | undefined>;

/**
 * A config value by any of its names: at the top level (a flat TrainConfig) or under `train` (the
 * orchestration's RunConfigJson keeps the hyperparameters given there); for a SPLADE run, the default
 * the trainer used when the config left it out.
 */
export function configValue(config: Config, ...keys: string[]): JsonValue | undefined {
  const train = isObject(config.train) ? config.train : undefined;
  for (const key of keys) {
    if (config[key] !== undefined) return config[key];
    if (train?.[key] !== undefined) return train[key];
  }
  if (config.kind === 'splade') {
    for (const key of keys) if (DEFAULTS[key] !== undefined && key !== 'k') return DEFAULTS[key];
  }
  return undefined;
}

export function configNumber(config: Config, ...keys: string[]): number | null {
  const v = configValue(config, ...keys);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** `org/ModernBERT-base@main` → `ModernBERT-base`; a folder → its last part; `run:<id>@s` stays. */
export function shortModelName(model: string): string {
  if (model.startsWith('run:')) return model;
  const base = model.split('@')[0].replace(/[\\/]+$/, '');
  return base.split(/[\\/]/).pop() || model;
}

export function backboneOf(config: Config): string | null {
  const v = configValue(config, 'model', 'backbone');
  return typeof v === 'string' ? shortModelName(v) : null;
}

export function kOf(config: Config): number | null {
  return configNumber(config, 'k');
}

/** A stored baseline (BM25 evaluated on a dataset), kept as a run of kind `bm25`. */
export function isBaseline(run: Pick<RunRow, 'config'>): boolean {
  return run.config.kind === 'bm25';
}

/** The key hyperparameters the Runs table shows, by the names either config layout uses. */
export const HYPERPARAMETERS = [
  { key: 'lr', label: 'lr', names: ['lr', 'learningRate'] },
  { key: 'batch', label: 'batch', names: ['batchSize', 'batch'] },
  { key: 'lambdaQ', label: 'λq', names: ['lambdaQ', 'lambda_q'] },
  { key: 'lambdaD', label: 'λd', names: ['lambdaD', 'lambda_d'] },
  { key: 'steps', label: 'steps', names: ['steps'] },
] as const;

/** The latest evaluation of a run (highest step, then the most recent), optionally on one dataset split. */
export function latestEvaluation(run: Pick<RunRow, 'evaluations'>, where?: { dataset: string; split: string }): EvaluationInfo | undefined {
  let best: EvaluationInfo | undefined;
  for (const e of run.evaluations) {
    if (where && (e.dataset !== where.dataset || e.split !== where.split)) continue;
    if (!best || e.step > best.step || (e.step === best.step && e.id > best.id)) best = e;
  }
  return best;
}

export const STATUS_LABELS: Record<RunStatus, string> = {
  queued: 'queued',
  running: 'running',
  finished: 'finished',
  failed: 'failed',
  collapsed: 'collapsed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
};

/** Statuses in which a process works on the run (it cannot be deleted then). */
export function isActive(status: RunStatus): boolean {
  return status === 'running' || status === 'queued';
}

/** Can be asked to stop: running (its process stops), queued or interrupted (cancelled at once). */
export function isCancellable(status: RunStatus): boolean {
  return status === 'running' || status === 'queued' || status === 'interrupted';
}

/**
 * What the status alone does not say: why a run stopped and at which step (`at step 37: document vectors
 * all zero`), or that a running one was asked to stop. Empty for runs that are fine.
 */
export function statusDetail(run: Pick<RunRow, 'status' | 'reason' | 'step' | 'cancelRequested'>): string {
  if (run.status === 'running') return run.cancelRequested ? 'stopping (cancel requested)' : '';
  if (run.status === 'finished' || run.status === 'queued') return '';
  const where = run.step === null ? '' : `at step ${run.step}`;
  return [where, run.reason ?? ''].filter((s) => s !== '').join(': ');
}
