import { InputError } from '../../core/errors.ts';
import { executorRegistration, loadExecutorModules } from '../../core/runs/executor-registry.ts';
import { checkK, checkSeed, mergeTrainSpec, readTrainConfigFile, type TrainSpecInput } from '../../core/runs/run-config.ts';
import { createRuns, expandSweep, type PlannedSweep } from '../../core/runs/sweep.ts';
import { openWorkspaceStore } from '../../core/store/store.ts';
import type { Args } from '../args.ts';
import type { Command } from '../command.ts';
import { followRuns } from './follow-runs.ts';

/** The flags for the common settings; they override the config file's fields. */
export function trainFlags(args: Args): TrainSpecInput {
  const out: TrainSpecInput = {};
  const model = args.string('model');
  if (model !== undefined) out.models = model.split(',').map((m) => m.trim()).filter((m) => m !== '');
  const dataset = args.string('dataset');
  if (dataset !== undefined) out.dataset = dataset;
  const ks = args.numberList('k');
  if (ks !== undefined) out.ks = ks.map((k) => checkK(k, {}, '--k'));
  const seeds = args.numberList('seed');
  if (seeds !== undefined) out.seeds = seeds.map((s) => checkSeed(s, {}, '--seed'));
  const distinct = (list: readonly unknown[] | undefined, field: string) => {
    if (list !== undefined && new Set(list).size !== list.length) throw new InputError('lists the same value twice', { field });
  };
  distinct(out.models, '--model');
  distinct(out.ks, '--k');
  distinct(out.seeds, '--seed');
  const steps = args.number('steps', { integer: true, min: 1 });
  if (steps !== undefined) out.steps = steps;
  const checkpointEvery = args.number('checkpoint-every', { integer: true, min: 1 });
  if (checkpointEvery !== undefined) out.checkpointEvery = checkpointEvery;
  const evalEvery = args.number('eval-every', { integer: true, min: 0 });
  if (evalEvery !== undefined) out.evalEvery = evalEvery;
  const parallel = args.number('parallel', { integer: true, min: 1 });
  if (parallel !== undefined) out.maxParallel = parallel;
  const name = args.string('name');
  if (name !== undefined) out.name = name;
  const notes = args.string('notes');
  if (notes !== undefined) out.notes = notes;
  const tags = args.string('tags');
  if (tags !== undefined) out.tags = tags.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const kind = args.string('kind');
  if (kind !== undefined) out.kind = kind;
  // Hyperparameters of the SPLADE executor: they go into `train`, which it validates and completes.
  const train: Record<string, number> = {};
  const batchSize = args.number('batch-size', { integer: true, min: 1 });
  if (batchSize !== undefined) train.batchSize = batchSize;
  const lr = args.number('lr', { min: 0 });
  if (lr !== undefined) train.lr = lr;
  const lambdaQ = args.number('lambda-q', { min: 0 });
  if (lambdaQ !== undefined) train.lambdaQ = lambdaQ;
  const lambdaD = args.number('lambda-d', { min: 0 });
  if (lambdaD !== undefined) train.lambdaD = lambdaD;
  if (Object.keys(train).length > 0) out.train = train;
  return out;
}

/** Checks every planned run with its executor's own config check, naming the file when there is one. */
function checkWithExecutor(plan: PlannedSweep, file: string | undefined): void {
  for (const run of plan.runs) {
    try {
      const registration = executorRegistration(run.config.kind);
      registration.checkConfig?.(run.config);
    } catch (err) {
      if (err instanceof InputError && file !== undefined && err.location.file === undefined) {
        throw new InputError(err.message, { file });
      }
      throw err;
    }
  }
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a run (or a sweep over k, backbones and seeds) in its own process and follow it to its end',
  usage:
    'train --config FILE | --model MODEL --dataset NAME|FOLDER [--k K[,K…]] [--steps N] [--batch-size B] [--lr X] ' +
    '[--lambda-q X] [--lambda-d X] [--seed S[,S…]] [--eval-every N] [--checkpoint-every N] [--name NAME] ' +
    '[--tags A,B] [--notes TEXT] [--kind KIND] [--parallel N] [--json]\n\n' +
    'Flags override the config file (schema: docs/train-config.md). A list in --k, --model or --seed makes a\n' +
    'sweep: one queued run per combination, trained one after another (or --parallel N at a time).\n' +
    'Progress goes to stderr; stdout gets each run id as it ends (with --json: one event per line).\n' +
    'Ctrl-C cancels cleanly (checkpoint, status cancelled); a second Ctrl-C kills.',
  async run(ctx) {
    const { args, home } = ctx;
    const json = args.flag('json');
    const file = args.string('config');
    const fromFile = file !== undefined ? readTrainConfigFile(file) : undefined;
    const spec = mergeTrainSpec(fromFile, trainFlags(args), file);
    if (spec.backend === undefined && process.env.LSR_BACKEND) spec.backend = process.env.LSR_BACKEND;
    if (args.positionals.length > 0) throw new InputError(`unexpected argument "${args.positionals[0]}"`);
    await loadExecutorModules();
    const plan = expandSweep(spec);
    checkWithExecutor(plan, file);

    const store = openWorkspaceStore(home);
    try {
      const created = createRuns(store, plan);
      for (const run of created) {
        const e = { event: 'queued' as const, run: run.id, name: run.name, sweep: run.sweepId };
        if (json) ctx.io.stdout.write(JSON.stringify(e) + '\n');
        else ctx.io.stderr.write(`run ${run.id}${run.name !== run.id ? ` (${run.name})` : ''} queued${run.sweepId ? ` in sweep ${run.sweepId}` : ''}\n`);
      }
      const items = created.map((r) => ({ runId: r.id, startStep: 0 }));
      const { status } = await followRuns(ctx, store, items, { json, maxParallel: spec.maxParallel });
      return status;
    } finally {
      store.close();
    }
  },
};
