import path from 'node:path';
import { newId } from '../store/ids.ts';
import type { RunRecord } from '../store/runs.ts';
import type { Store } from '../store/store.ts';
import { appVersion } from '../version.ts';
import type { RunConfigJson, TrainSpec } from './run-config.ts';

export interface PlannedRun {
  /** Undefined: the store names the run by its id. */
  name?: string;
  tags: string[];
  notes: string;
  config: RunConfigJson;
}

export interface PlannedSweep {
  /** Null for a single run. */
  sweepId: string | null;
  runs: PlannedRun[];
}

/** `org/ModernBERT-base@main` → `modernbert-base`; a folder → its last segment. */
export function shortModelName(model: string): string {
  const ref = model.startsWith('run:') ? model.slice(4) : model;
  const base = ref.split('@')[0].replace(/[\\/]+$/, '');
  return path.basename(base.replace(/\\/g, '/')).toLowerCase();
}

function datasetLabel(dataset: string): string {
  return path.basename(dataset.replace(/\\/g, '/').replace(/\/+$/, '')).toLowerCase();
}

/**
 * One run per combination of model × k × seed (in that nesting, each list in its given order). Runs of a
 * sweep share a sweep id and are named `<name>-k<k>-<model>-s<seed>`, naming only the dimensions that vary;
 * the base name defaults to the dataset's.
 */
export function expandSweep(spec: TrainSpec, sweepId: () => string = () => newId()): PlannedSweep {
  const sweep = spec.models.length * spec.ks.length * spec.seeds.length > 1;
  const runs: PlannedRun[] = [];
  for (const model of spec.models) {
    for (const k of spec.ks) {
      for (const seed of spec.seeds) {
        const config: RunConfigJson = {
          kind: spec.kind,
          model,
          dataset: spec.dataset,
          k,
          seed,
          ...(spec.steps !== undefined && { steps: spec.steps }),
          ...(spec.checkpointEvery !== undefined && { checkpointEvery: spec.checkpointEvery }),
          ...(spec.evalEvery !== undefined && { evalEvery: spec.evalEvery }),
          ...(spec.collapse !== undefined && { collapse: spec.collapse }),
          ...(spec.backend !== undefined && { backend: spec.backend }),
          train: spec.train,
          versions: { lsr: appVersion(), node: process.version },
        };
        let name = spec.name;
        if (sweep) {
          const parts = [spec.name ?? datasetLabel(spec.dataset)];
          if (spec.ks.length > 1) parts.push(`k${k}`);
          if (spec.models.length > 1) parts.push(shortModelName(model));
          if (spec.seeds.length > 1) parts.push(`s${seed}`);
          name = parts.join('-');
        }
        runs.push({ name, tags: spec.tags, notes: spec.notes, config });
      }
    }
  }
  return { sweepId: sweep ? sweepId() : null, runs };
}

/** Stores the planned runs as `queued`, in plan order, in one transaction. */
export function createRuns(store: Store, plan: PlannedSweep): RunRecord[] {
  return store.db.transaction(() =>
    plan.runs.map((r) => store.runs.create({ name: r.name, tags: r.tags, notes: r.notes, config: r.config, sweepId: plan.sweepId })),
  )();
}
