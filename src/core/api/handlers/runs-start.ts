import type { RunPlan, RunStartParams } from '../../../shared/contract.ts';
import { resolveDatasetFolder } from '../../data/resolve-dataset.ts';
import { InputError } from '../../errors.ts';
import { parseModelSpec } from '../../models/resolve.ts';
import { executorRegistration, loadExecutorModules } from '../../runs/executor-registry.ts';
import { prepareResume } from '../../runs/resume.ts';
import { checkK, RUN_DEFAULTS, storedRunConfig, type TrainSpec } from '../../runs/run-config.ts';
import { createRuns, expandSweep, type PlannedSweep } from '../../runs/sweep.ts';
import type { RunRecord } from '../../store/runs.ts';
import type { ApiContext } from '../api-context.ts';
import { conflict } from '../api-failure.ts';
import type { Handlers } from '../create-api.ts';
import type { EngineContext } from '../engine-context.ts';

function distinct(list: readonly unknown[], field: string): void {
  if (new Set(list).size !== list.length) throw new InputError('lists the same value twice', { field });
}

/**
 * The request as `lsr train` would read it: folders made absolute (the run process may start elsewhere),
 * `run:` backbones checked for a checkpoint, the dataset checked, then every planned run checked by its
 * executor (which names the hyperparameter at fault, e.g. `train.lr`).
 */
async function planOf(p: RunStartParams, ctx: ApiContext, home: string): Promise<{ spec: TrainSpec; plan: PlannedSweep }> {
  if (p.models.length === 0) throw new InputError('give at least one backbone', { field: 'models' });
  if (p.ks.length === 0) throw new InputError('give at least one k', { field: 'ks' });
  const models = p.models.map((m, i) => {
    const field = `models[${i}]`;
    const spec = parseModelSpec(m, field);
    if (spec.kind === 'folder') return spec.path;
    if (spec.kind === 'run') {
      const run = ctx.workspace.store.runs.get(spec.runId);
      if (!run) throw new InputError(`unknown run "${spec.runId}"`, { field });
      const ckpt = spec.step === undefined ? ctx.workspace.store.checkpoints.latest(run.id) : ctx.workspace.store.checkpoints.get(run.id, spec.step);
      if (!ckpt) throw new InputError(`run ${run.id} has no checkpoint${spec.step === undefined ? ' yet' : ` at step ${spec.step}`}`, { field });
    }
    return m;
  });
  distinct(models, 'models');
  const ks = p.ks.map((k, i) => checkK(k, {}, `ks[${i}]`));
  distinct(ks, 'ks');
  const seeds = p.seeds ?? [RUN_DEFAULTS.seed];
  if (seeds.length === 0) throw new InputError('give at least one seed, or leave it out', { field: 'seeds' });
  distinct(seeds, 'seeds');
  const folder = resolveDatasetFolder(p.dataset, home, 'dataset');
  // A registered name stays a name; a folder is stored as its absolute path.
  const dataset = ctx.workspace.store.datasets.get(p.dataset) ? p.dataset : folder;
  const spec: TrainSpec = {
    tags: p.tags ?? [],
    notes: p.notes ?? '',
    kind: p.kind ?? RUN_DEFAULTS.kind,
    models,
    dataset,
    ks,
    seeds,
    train: p.train ?? {},
    maxParallel: p.maxParallel ?? RUN_DEFAULTS.maxParallel,
  };
  if (p.name !== undefined) spec.name = p.name;
  if (p.steps !== undefined) spec.steps = p.steps;
  if (p.checkpointEvery !== undefined) spec.checkpointEvery = p.checkpointEvery;
  if (p.evalEvery !== undefined) spec.evalEvery = p.evalEvery;
  if (p.collapse !== undefined) spec.collapse = p.collapse;
  if (p.backend !== undefined) spec.backend = p.backend;
  const plan = expandSweep(spec);
  await checkPlan(plan);
  return { spec, plan };
}

/** Every planned run checked by its executor (which names the hyperparameter at fault, e.g. `train.lr`). */
export async function checkPlan(plan: PlannedSweep): Promise<void> {
  await loadExecutorModules();
  for (const run of plan.runs) executorRegistration(run.config.kind).checkConfig?.(run.config);
}

/** Stores a checked plan's runs (queued) and puts them in this API's queue, `maxParallel` training at once. */
export function createAndEnqueue(ctx: ApiContext, engine: EngineContext, plan: PlannedSweep, maxParallel: number): RunRecord[] {
  const created = createRuns(ctx.workspace.store, plan);
  ctx.wrote();
  engine.scheduler.enqueue(
    created.map((r) => ({ runId: r.id, startStep: 0 })),
    maxParallel,
  );
  return created;
}

/** Planning and starting runs (a sweep when lists hold several values), and resuming one. */
export function runStartHandlers(ctx: ApiContext, engine: EngineContext): Pick<Handlers, 'runs.plan' | 'runs.start' | 'runs.resume'> {
  return {
    'runs.plan': async (params): Promise<RunPlan> => {
      const { plan } = await planOf(params, ctx, engine.home);
      return {
        sweep: plan.sweepId !== null,
        runs: plan.runs.map((r) => ({ name: r.name ?? null, model: r.config.model, k: r.config.k, seed: r.config.seed })),
      };
    },

    'runs.start': async (params) => {
      const { spec, plan } = await planOf(params, ctx, engine.home);
      const created = createAndEnqueue(ctx, engine, plan, spec.maxParallel);
      return { runIds: created.map((r) => r.id), sweepId: plan.sweepId };
    },

    'runs.resume': async ({ runId }) => {
      await loadExecutorModules();
      const run = ctx.workspace.run(runId);
      if (engine.scheduler.holds(run.id)) throw conflict(`run ${run.id} is already queued or training in this workbench`);
      // Before anything changes: a run whose executor is missing here would otherwise end `failed`.
      executorRegistration(storedRunConfig(run.config, run.id).kind);
      const { runId: id, startStep } = prepareResume(ctx.workspace.store, run.id);
      const item = { runId: id, startStep };
      ctx.wrote();
      engine.scheduler.enqueue([item], 1);
      return { runId: run.id, startStep: item.startStep };
    },
  };
}
