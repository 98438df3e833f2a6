import fs from 'node:fs';
import { resolveDatasetFolder } from '../../data/resolve-dataset.ts';
import { datasetTrainingExamples } from '../../data/dataset-folder.ts';
import type { TrainingExample } from '../../data/training-examples.ts';
import { loadMaskedLm, readModelConfig } from '../../models/load.ts';
import { resolveArchitecture } from '../../models/registry.ts';
import { resolveModelFolder } from '../../models/resolve.ts';
import type { MaskedLmModel } from '../../models/types.ts';
import type { RunContext, RunExecutor, RunOutcome } from '../../runs/executor.ts';
import { selectBackend } from '../../tensor/backend.ts';
import { ensureGradients } from '../../tensor/gradients.ts';
import { loadTokenizer } from '../../tokenize/load-tokenizer.ts';
import { CollapseDetector } from '../collapse.ts';
import { lossFromConfig, lrScheduleFromConfig, optimizerFromConfig } from '../from-config.ts';
import { chooseWorkers } from '../parallel/choose-workers.ts';
import { ParallelTrainer } from '../parallel/parallel-trainer.ts';
import { trainStep, type TrainBatch, type TrainStepContext } from '../train-step.ts';
import { BatchSampler, buildTrainBatch } from './batch-sampler.ts';
import { loadTrainerState, saveTrainingCheckpoint } from './checkpoint.ts';
import { runEvaluation } from './run-evaluation.ts';
import { Rng } from '../rng.ts';
import { withSeededRandom } from '../seeded-random.ts';
import { spladeTrainConfig } from './splade-run-config.ts';

async function collectExamples(folder: string, split: string, seed: number, negatives: number): Promise<TrainingExample[]> {
  const out: TrainingExample[] = [];
  for await (const ex of datasetTrainingExamples(folder, split, { seed, negatives: Math.max(1, negatives) })) out.push(ex);
  return out;
}

/**
 * Trains one SPLADE run: the backbone (rescaled by k at step 0), the dataset's training examples in a seeded
 * order, the configured objective, AdamW; records every step's metrics, checkpoints every N steps and at the
 * end (and on cancel), evaluates every N steps, and stops on collapse when asked to.
 */
export const spladeExecutor: RunExecutor = async (ctx: RunContext): Promise<RunOutcome> => {
  const cfg = spladeTrainConfig(ctx.config);
  const backend = await selectBackend(cfg.backend === 'auto' ? undefined : cfg.backend);
  ensureGradients();
  ctx.progress({ step: ctx.startStep, totalSteps: cfg.steps, message: `backend ${backend.name}; loading ${cfg.model}` });

  const baseFolder = await resolveModelFolder(cfg.model, { home: ctx.home, signal: ctx.signal, onProgress: (m) => ctx.progress({ step: ctx.startStep, totalSteps: cfg.steps, message: m }) }, 'model');
  const resuming = ctx.startStep > 0 && ctx.resumeCheckpoint !== null;
  const weightsFolder = resuming ? ctx.resumeCheckpoint! : baseFolder;
  if (resuming && !fs.existsSync(weightsFolder)) throw new Error(`checkpoint folder ${weightsFolder} is missing`);
  const tokenizer = await loadTokenizer(baseFolder, readModelConfig(baseFolder));
  let model: MaskedLmModel = loadMaskedLm(weightsFolder);
  // Data-parallel replicas on worker threads where that helps (wasm, ≥ 2 cores); `model` then stays here as
  // the copy that checkpoints and evaluations read, refreshed from the replicas before each.
  let trainer: ParallelTrainer | undefined;
  try {
    const optimizer = optimizerFromConfig(cfg);
    const detector = new CollapseDetector({ patience: cfg.collapse.patience, saturationFraction: cfg.collapse.saturationFraction });
    let rescaleK = 1;
    if (resuming) {
      const state = loadTrainerState(weightsFolder, optimizer);
      if (state.step !== ctx.startStep) throw new Error(`checkpoint ${weightsFolder} is at step ${state.step}, expected ${ctx.startStep}`);
      detector.restore(state.collapse);
      rescaleK = state.rescaleK;
    } else if (cfg.k !== 1) {
      model.rescaleHead(cfg.k);
      rescaleK = cfg.k;
    } else {
      rescaleK = 1;
    }

    const datasetFolder = resolveDatasetFolder(cfg.dataset, ctx.home, 'dataset');
    const examples = await collectExamples(datasetFolder, cfg.split, cfg.seed, cfg.negativesPerQuery);
    const sampler = new BatchSampler(examples, {
      batchSize: cfg.batchSize,
      gradAccumulation: cfg.gradAccumulation,
      negativesPerQuery: cfg.negativesPerQuery,
      seed: cfg.seed,
      withTeacherScores: cfg.distillation !== 'none',
    });
    const stepCtx: TrainStepContext = {
      model,
      loss: lossFromConfig(cfg),
      optimizer,
      lr: lrScheduleFromConfig(cfg),
      maxGradNorm: cfg.maxGradNorm,
    };
    const lengths = { query: Math.min(cfg.maxQueryLength, model.info.maxPositions), document: Math.min(cfg.maxDocLength, model.info.maxPositions) };

    const workers = chooseWorkers(cfg.workers, backend.name, { batchRows: cfg.batchSize });
    if (workers > 1) {
      ctx.progress({ step: ctx.startStep, totalSteps: cfg.steps, message: `starting ${workers} training workers` });
      trainer = await ParallelTrainer.start(
        { model: { config: model.exportConfig(), weights: model.exportWeights() }, loss: cfg, optimizer: cfg, maxGradNorm: cfg.maxGradNorm, backend: backend.name },
        workers,
      );
      if (resuming) await trainer.setOptimizerState(optimizer.getState());
    }
    /** Brings this thread's model and optimizer up to the replicas' (parallel runs only). */
    const sync = async (): Promise<void> => {
      if (!trainer) return;
      const config = model.exportConfig();
      const fresh = resolveArchitecture(config, 'config.json').build(config, await trainer.exportWeights(), 'training workers');
      model.dispose();
      model = fresh;
      stepCtx.model = fresh;
      optimizer.setState(await trainer.optimizerState());
    };

    const checkpoint = async (step: number): Promise<void> => {
      await sync();
      const dir = ctx.checkpointDir(step);
      saveTrainingCheckpoint(dir, model, baseFolder, optimizer, { step, collapse: detector.state(), rescaleK });
      ctx.checkpointSaved(step, dir);
    };
    const evaluate = async (step: number, final: boolean, dataset?: string): Promise<void> => {
      await sync();
      ctx.progress({ step, totalSteps: cfg.steps, message: `evaluating on ${dataset ?? cfg.evalDataset ?? cfg.dataset}` });
      const result = await runEvaluation({ model, tokenizer, cfg, home: ctx.home, trainFolder: datasetFolder, final, dataset, signal: ctx.signal });
      if (result === null) return;
      ctx.evaluation({ step, dataset: result.dataset, split: result.split, metrics: result.metrics, perQuery: result.perQuery });
      if (dataset !== undefined) return; // extra sets are stored as evaluations only; the curve is the main set's
      const prefixed: Record<string, number> = {};
      for (const [name, value] of Object.entries(result.metrics)) prefixed[`eval/${name}`] = value;
      ctx.record(step, prefixed);
    };

    for (let update = ctx.startStep; update < cfg.steps; update++) {
      if (ctx.signal.aborted) {
        await checkpoint(update);
        return { status: 'cancelled', step: update };
      }
      const batches: TrainBatch[] = [];
      for (let micro = 0; micro < cfg.gradAccumulation; micro++) {
        batches.push(await buildTrainBatch(sampler, tokenizer, update, micro, lengths, cfg.negativesPerQuery));
      }
      const metrics = trainer
        ? await trainer.step(update, stepCtx.lr(update), batches, cfg.seed)
        : withSeededRandom(Rng.forStream(cfg.seed, `dropout/${update}`), () => trainStep(stepCtx, update, batches));
      const step = update + 1;
      metrics.rescale_k = rescaleK;
      ctx.record(step, metrics);
      const verdict = detector.observe({
        step,
        loss: metrics.loss!,
        gradNorm: metrics.grad_norm,
        queryNnzMax: metrics.q_nnz_max!,
        docNnzMax: metrics.d_nnz_max!,
        queryNnzMean: metrics.q_nnz_mean!,
        docNnzMean: metrics.d_nnz_mean!,
        vocabSize: model.info.vocabSize,
      });
      // The follower prints step, loss, steps/s and ETA itself; the message adds what only the executor knows.
      ctx.progress({ step, totalSteps: cfg.steps, message: `${Math.round(metrics.tokens_per_s ?? 0)} tok/s` });
      if (verdict.collapsed && cfg.collapse.action === 'stop') {
        await checkpoint(step);
        return { status: 'collapsed', reason: `${verdict.reason}: ${verdict.detail}`, step: verdict.step };
      }
      if (step < cfg.steps && cfg.checkpointEvery > 0 && step % cfg.checkpointEvery === 0) await checkpoint(step);
      if (step < cfg.steps && cfg.evalEvery > 0 && step % cfg.evalEvery === 0) await evaluate(step, false);
    }
    await checkpoint(cfg.steps);
    await evaluate(cfg.steps, true);
    for (const extra of cfg.evalExtra) await evaluate(cfg.steps, true, extra);
    const verdict = detector.current;
    if (verdict.collapsed) return { status: 'collapsed', reason: `${verdict.reason}: ${verdict.detail}`, step: verdict.step };
    return { status: 'finished' };
  } finally {
    await trainer?.close();
    model.dispose();
  }
};
