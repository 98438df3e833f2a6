import type { LossFields } from '../train/from-config.ts';
import { lossFromConfig, optimizerFromConfig } from '../train/from-config.ts';
import { selectBackend } from '../tensor/backend.ts';
import { chooseWorkers } from '../train/parallel/choose-workers.ts';
import { ParallelTrainer } from '../train/parallel/parallel-trainer.ts';
import type { ModelSpec, ReplicaConfig } from '../train/parallel/protocol.ts';
import { buildReplicaModel } from '../train/parallel/replica-model.ts';
import { Rng } from '../train/rng.ts';
import { trainStep, type TrainBatch } from '../train/train-step.ts';
import { randomTokenBatch } from './random-batch.ts';
import { bertConfig, randomBertWeights } from './random-bert.ts';

/*
 * `lsr bench train-step`: the work of scripts/anchors/torch_splade_step.py with the same flags — a BERT
 * masked LM with random weights (post-LN, exact GELU, tied decoder + bias), random right-padded token ids,
 * SPLADE max pooling, in-batch cross-entropy, FLOPS on queries (5e-4) and documents (3e-4), backward,
 * clipping at 1.0 and one AdamW update (lr 2e-5, weight decay 0.01) per iteration, through the same
 * `trainStep` (or data-parallel workers) that training runs use.
 */

export interface TrainStepBenchSettings {
  layers: number;
  hidden: number;
  heads: number;
  ffn: number;
  vocab: number;
  batch: number;
  qlen: number;
  dlen: number;
  steps: number;
  warmup: number;
}

/** The defaults of torch_splade_step.py (the tiny reference config). */
export const TRAIN_STEP_BENCH_DEFAULTS: TrainStepBenchSettings = {
  layers: 2,
  hidden: 128,
  heads: 2,
  ffn: 512,
  vocab: 30522,
  batch: 16,
  qlen: 32,
  dlen: 128,
  steps: 10,
  warmup: 2,
};

export interface TrainStepBenchResult {
  step_s_median: number;
  step_s_min: number;
  /** Token positions (padding included, as the anchor counts them) of queries and documents per second. */
  tokens_per_s: number;
  /** Peak resident memory of the whole process, worker threads included. */
  peak_rss_mb: number;
  backend: string;
  workers: number;
  settings: TrainStepBenchSettings & { seed: number };
}

export interface TrainStepBenchOptions {
  backend?: string;
  workers?: number | 'auto';
  seed?: number;
  /** Run even a single replica in a worker thread (to profile it like the parallel runs). */
  forceThreads?: boolean;
  progress?: (line: string) => void;
  /** Called after each step with where each worker's time went (parallel runs only). */
  onPhases?: (step: number, phases: Record<string, number>[]) => void;
}

const BENCH_LOSS: LossFields = {
  contrastiveWeight: 1,
  inBatchNegatives: true,
  negativeScope: 'own',
  distillation: 'none',
  distillationWeight: 0,
  lambdaQ: 5e-4,
  lambdaD: 3e-4,
  l1Q: 0,
  l1D: 0,
  flopsWarmupSteps: 0,
};
const BENCH_OPTIMIZER = { adamBeta1: 0.9, adamBeta2: 0.999, adamEps: 1e-8, weightDecay: 0.01 };
const BENCH_LR = 2e-5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

export function benchModelSpec(s: TrainStepBenchSettings, seed: number): ModelSpec {
  const shape = { ...s, maxPositions: Math.max(512, s.qlen, s.dlen) };
  return { config: bertConfig(shape), weights: randomBertWeights(shape, seed) };
}

export function benchBatch(s: TrainStepBenchSettings, seed: number): TrainBatch {
  const rng = Rng.forStream(seed, 'bench-batch');
  return {
    queries: randomTokenBatch(rng, s.batch, s.qlen, s.vocab),
    positives: randomTokenBatch(rng, s.batch, s.dlen, s.vocab),
    negativesPerQuery: 0,
  };
}

export async function benchTrainStep(settings: TrainStepBenchSettings, opts: TrainStepBenchOptions = {}): Promise<TrainStepBenchResult> {
  const seed = opts.seed ?? 0;
  const backend = await selectBackend(opts.backend, opts.progress);
  const workers = chooseWorkers(opts.workers ?? 'auto', backend.name, { batchRows: settings.batch });
  const batch = benchBatch(settings, seed);
  const times: number[] = [];
  const total = settings.warmup + settings.steps;
  let cpu = process.cpuUsage();
  const record = (i: number, seconds: number): void => {
    if (i >= settings.warmup) times.push(seconds);
    // CPU time of the whole process (all threads): with other processes on the machine, wall time alone
    // cannot tell waiting for a core from working.
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    const cpuSeconds = (used.user + used.system) / 1e6;
    opts.progress?.(`step ${i + 1}/${total}${i < settings.warmup ? ' (warm-up)' : ''}: ${seconds.toFixed(3)} s (cpu ${cpuSeconds.toFixed(3)} s)`);
  };
  if (workers === 1 && !opts.forceThreads) {
    const model = buildReplicaModel(benchModelSpec(settings, seed));
    const ctx = {
      model,
      loss: lossFromConfig(BENCH_LOSS),
      optimizer: optimizerFromConfig(BENCH_OPTIMIZER),
      lr: () => BENCH_LR,
      maxGradNorm: 1,
    };
    try {
      cpu = process.cpuUsage();
      for (let i = 0; i < total; i++) {
        const t0 = performance.now();
        trainStep(ctx, i, [batch]);
        record(i, (performance.now() - t0) / 1000);
      }
    } finally {
      ctx.optimizer.dispose();
      model.dispose();
    }
  } else {
    const config: ReplicaConfig = {
      model: benchModelSpec(settings, seed),
      loss: BENCH_LOSS,
      optimizer: BENCH_OPTIMIZER,
      maxGradNorm: 1,
      backend: backend.name,
    };
    const trainer = await ParallelTrainer.start(config, workers);
    config.model.weights.clear();
    try {
      cpu = process.cpuUsage();
      for (let i = 0; i < total; i++) {
        const t0 = performance.now();
        await trainer.step(i, BENCH_LR, [batch]);
        record(i, (performance.now() - t0) / 1000);
        if (i >= settings.warmup) opts.onPhases?.(i, trainer.phases);
      }
    } finally {
      await trainer.close();
    }
  }
  const med = median(times);
  return {
    step_s_median: round(med, 4),
    step_s_min: round(Math.min(...times), 4),
    tokens_per_s: round((settings.batch * (settings.qlen + settings.dlen)) / med, 1),
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
    backend: backend.name,
    workers,
    settings: { ...settings, seed },
  };
}
