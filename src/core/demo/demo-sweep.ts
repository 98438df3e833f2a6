import { InputError } from '../errors.ts';
import { executorRegistration } from '../runs/executor-registry.ts';
import { runQueue, type QueueOptions } from '../runs/queue.ts';
import type { RunConfigJson } from '../runs/run-config.ts';
import type { RunEvent } from '../runs/run-events.ts';
import { createRuns, expandSweep, type PlannedRun, type PlannedSweep } from '../runs/sweep.ts';
import { newId } from '../store/ids.ts';
import type { RunRecord } from '../store/runs.ts';
import { openWorkspaceStore } from '../store/store.ts';
import { appVersion } from '../version.ts';
import { DEMO_BACKBONES } from './demo-resources.ts';
import { ensureDemoRegistered, type DemoBackbone } from './register.ts';

/**
 * The demo sweep's settings, sized so that the whole sweep (6 SPLADE runs, each trained and then evaluated
 * on all of Cranfield's test split and all of MED, plus BM25) fits in about 15 minutes on a 2-core machine
 * (see docs/demo.md for the measurements behind them).
 */
export interface DemoSweepSettings {
  ks: number[];
  seed: number;
  steps: number;
  batchSize: number;
  lr: number;
  maxQueryLength: number;
  maxDocLength: number;
  /**
   * Sampled negatives per query on top of the in-batch ones. 0: the demo's negatives are random documents
   * anyway, which the other 15 positives of the batch already are, at half the encoding cost of a step.
   */
  negativesPerQuery: number;
  /**
   * FLOPS weights. Ten times the SPLADE defaults (5e-4 / 3e-4, meant for 10^5 steps): in 100 steps the default
   * barely moves the frequent tokens every text activates through the MLM bias, which then lead every vector.
   */
  lambdaQ: number;
  lambdaD: number;
  /** Runs training at once, each in its own process (one per core). */
  maxParallel: number;
}

export const DEMO_SWEEP: DemoSweepSettings = {
  ks: [1, 4, 16],
  seed: 42,
  steps: 100,
  batchSize: 16,
  lr: 5e-4,
  maxQueryLength: 32,
  maxDocLength: 128,
  negativesPerQuery: 0,
  lambdaQ: 5e-3,
  lambdaD: 5e-3,
  maxParallel: 2,
};

export const DEMO_TAG = 'demo';
const TRAIN_DATASET = 'cranfield';
const TEST_SETS = { main: 'cranfield', extra: ['med'] };

/**
 * The runs of the demo sweep, in queue order: the BM25 baseline first (seconds, so the comparison has its
 * lexical row at once), then the SPLADE runs, slowest backbone first so the two lanes end close together.
 * All share one sweep id.
 */
export function planDemoSweep(backbones: readonly string[], settings: DemoSweepSettings = DEMO_SWEEP, sweepId: () => string = () => newId()): PlannedSweep {
  if (backbones.length === 0) throw new InputError('no demo backbones (build them with npm run build:demo-models)', { field: 'model' });
  const notes = `Demo: k in {${settings.ks.join(', ')}} over the demo backbones, trained on Cranfield (train split), evaluated on Cranfield test and MED`;
  const splade = expandSweep(
    {
      name: 'demo',
      tags: [DEMO_TAG],
      notes,
      kind: 'splade',
      models: [...backbones],
      dataset: TRAIN_DATASET,
      ks: settings.ks,
      seeds: [settings.seed],
      steps: settings.steps,
      checkpointEvery: settings.steps,
      evalEvery: 0,
      train: {
        split: 'train',
        batchSize: settings.batchSize,
        lr: settings.lr,
        maxQueryLength: settings.maxQueryLength,
        maxDocLength: settings.maxDocLength,
        negativesPerQuery: settings.negativesPerQuery,
        lambdaQ: settings.lambdaQ,
        lambdaD: settings.lambdaD,
        evalDataset: TEST_SETS.main,
        evalSplit: 'test',
        evalExtra: TEST_SETS.extra,
      },
      maxParallel: settings.maxParallel,
    },
    sweepId,
  );
  const bm25Config: RunConfigJson = {
    kind: 'bm25',
    model: 'bm25',
    dataset: TEST_SETS.main,
    k: 1,
    seed: settings.seed,
    train: { evalSplit: 'test', evalExtra: TEST_SETS.extra },
    versions: { lsr: appVersion(), node: process.version },
  };
  const bm25: PlannedRun = { name: 'demo-bm25', tags: [DEMO_TAG], notes: 'Demo: the BM25 baseline (k1 0.9, b 0.4) on Cranfield test and MED', config: bm25Config };
  return { sweepId: splade.sweepId ?? sweepId(), runs: [bm25, ...splade.runs] };
}

/** The backbones in sweep order: slowest (largest vocabulary) first. */
export function demoSweepBackbones(backbones: readonly DemoBackbone[]): string[] {
  const order = ['modernbert-mini', 'bert-mini'];
  const rank = (b: DemoBackbone) => (order.includes(b.id) ? order.indexOf(b.id) : order.length);
  return [...backbones].sort((a, b) => rank(a) - rank(b)).map((b) => b.path);
}

export interface StartDemoSweepOptions {
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  settings?: Partial<DemoSweepSettings>;
  demoDir?: string;
  /** How run processes start (tests replace it). */
  start?: QueueOptions['start'];
}

export interface StartedDemoSweep {
  sweepId: string;
  /** The created runs (queued), in queue order. */
  runs: RunRecord[];
  /** Resolves with every run's final record once the queue is done. */
  finished: Promise<RunRecord[]>;
}

/**
 * Registers the demo (idempotent), creates the demo sweep's runs (see planDemoSweep) and trains them through
 * the run queue, `maxParallel` at a time. Returns once the runs are stored; `finished` follows them.
 */
export async function startDemoSweep(home: string, options: StartDemoSweepOptions = {}): Promise<StartedDemoSweep> {
  const registration = await ensureDemoRegistered(home, { demoDir: options.demoDir });
  const taken = registration.datasets.filter((d) => d.status === 'taken' || d.status === 'missing');
  if (taken.length > 0) {
    const d = taken[0]!;
    throw new InputError(
      d.status === 'taken'
        ? `a dataset named "${d.name}" that the demo did not register exists; remove it to run the demo`
        : `the demo collection ${d.source} is missing`,
      { field: 'dataset' },
    );
  }
  const missing = DEMO_BACKBONES.filter((b) => registration.missingBackbones.includes(b.id));
  if (missing.length > 0) {
    throw new InputError(`demo backbone ${missing.map((b) => b.id).join(', ')} not built (npm run build:demo-models)`, { field: 'model' });
  }
  const settings = { ...DEMO_SWEEP, ...options.settings };
  const plan = planDemoSweep(demoSweepBackbones(registration.backbones), settings);
  for (const run of plan.runs) executorRegistration(run.config.kind).checkConfig?.(run.config);

  const store = openWorkspaceStore(home);
  let created: RunRecord[];
  try {
    created = createRuns(store, plan);
  } catch (err) {
    store.close();
    throw err;
  }
  for (const run of created) options.onEvent?.({ event: 'queued', run: run.id, name: run.name, sweep: run.sweepId });
  const finished = runQueue(
    created.map((r) => ({ runId: r.id, startStep: 0 })),
    { store, home, maxParallel: settings.maxParallel, signal: options.signal, onEvent: options.onEvent, start: options.start },
  ).finally(() => store.close());
  return { sweepId: plan.sweepId!, runs: created, finished };
}
