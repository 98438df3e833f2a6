import type { Store } from './store.ts';
import type { RunRecord } from './runs.ts';
import type { RunStatus } from './run-status.ts';

/** A run as `lsr runs show --json` prints it (and, per run, `lsr runs list --json`); the shape is contractual. */
export interface RunSummary {
  id: string;
  name: string;
  status: RunStatus;
  reason: string | null;
  config: Record<string, unknown>;
  step: number | null;
  /** Metric name → its value at the highest recorded step. */
  metrics: Record<string, number>;
  checkpoints: { step: number; path: string }[];
  evaluations: { step: number; dataset: string; split: string; metrics: Record<string, number> }[];
  /** Beyond the contract's fields: the sweep the run belongs to (null for a single run), its tags and creation time. */
  sweep: string | null;
  tags: string[];
  created: string;
}

/**
 * Builds the contract object of a run. `abridged` (for listings) keeps only the latest evaluation of each
 * dataset and split; the metrics' last values are cheap (one index seek per name) and always complete.
 */
export function runSummary(store: Store, run: RunRecord, options: { abridged?: boolean } = {}): RunSummary {
  const metrics: Record<string, number> = {};
  for (const [name, last] of Object.entries(store.metrics.last(run.id))) metrics[name] = last.value;
  const evaluations = options.abridged ? store.evaluations.latest(run.id) : store.evaluations.list(run.id);
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    reason: run.reason,
    config: run.config,
    step: run.lastStep,
    metrics,
    checkpoints: store.checkpoints.list(run.id).map((c) => ({ step: c.step, path: c.path })),
    evaluations: evaluations.map((e) => ({ step: e.step, dataset: e.dataset, split: e.split, metrics: e.metrics })),
    sweep: run.sweepId,
    tags: run.tags,
    created: run.createdAt,
  };
}
