import * as tf from '@tensorflow/tfjs-core';
import fs from 'node:fs';
import path from 'node:path';
import { readJsonObjectFile } from '../data/json-objects.ts';
import { CancelledError, InputError } from '../errors.ts';
import { CONFIG_FILE } from '../models/config.ts';
import { readCheckpointWeights } from '../models/load.ts';
import type { MaskedLmModel } from '../models/types.ts';
import { activeBackend } from '../tensor/backend.ts';
import { AdamW } from '../train/adamw.ts';
import { linearWarmupDecay } from '../train/lr-schedule.ts';
import { deriveSeed, Rng } from '../train/rng.ts';
import { alignConfigWithTokenizer, pretrainArchitecture } from './architectures.ts';
import { BatchSampler, padRows } from './batches.ts';
import {
  listCheckpoints,
  loadCheckpoint,
  loadCheckpointState,
  pruneCheckpoints,
  saveCheckpoint,
  writeModelFolder,
  type EvalRecord,
  type StepRecord,
} from './checkpoint.ts';
import { buildSequences, type Packing, type SequenceSet, type TokenEncoder } from './corpus.ts';
import { evaluateHeldout, prepareHeldout, type HeldoutSet } from './evaluate.ts';
import { MlmMasker } from './masking.ts';
import { mlmTrainStep } from './mlm-step.ts';
import { unigramLogPrior } from './bias-init.ts';
import { readSpecialTokens } from './special-tokens.ts';

export interface PretrainOptions {
  /**
   * A Hugging Face config.json (BertForMaskedLM or ModernBertForMaskedLM): the model starts from fresh
   * weights. Exactly one of `configFile` and `initFrom`.
   */
  configFile?: string;
  /** A Hugging Face model folder whose weights the model starts from (continued pretraining, domain adaptation). */
  initFrom?: string;
  /** A folder with tokenizer.json and/or vocab.txt (plus tokenizer_config.json, special_tokens_map.json); default `initFrom`. */
  tokenizerDir?: string;
  corpusFile: string;
  heldoutFile?: string;
  outDir: string;
  steps: number;
  batchSize: number;
  /** Tokens per sequence, special tokens included; default min(128, max_position_embeddings). */
  maxLength?: number;
  /** Peak learning rate. */
  lr: number;
  /** Linear warm-up steps; default 6% of `steps`. */
  warmupSteps?: number;
  weightDecay: number;
  maxGradNorm: number;
  /** Default: the architecture's own (0.15 BERT, 0.30 ModernBERT). */
  maskProb?: number;
  seed: number;
  packing: Packing;
  /** Checkpoint every N steps (0: only at the end). */
  checkpointEvery: number;
  /** Held-out evaluation every N steps (0: only at the end). */
  evalEvery: number;
  /** Newest checkpoints kept (0: all). */
  keepCheckpoints: number;
  resume: boolean;
  /** Decoder bias of a fresh model: `zero` (transformers' init, the default) or `unigram` (`unigramLogPrior`). */
  biasInit?: BiasInit;
  /** Adam's ε (default 1e-8, PyTorch's; the original BERT pretraining used 1e-6). */
  adamEps?: number;
}

export type BiasInit = 'zero' | 'unigram';

export interface PretrainTokenizer extends TokenEncoder {
  vocabSize: number;
  padId: number;
}

export interface PretrainDeps {
  loadTokenizer(dir: string, config: Record<string, unknown>): Promise<PretrainTokenizer>;
}

export type PretrainEvent =
  | { type: 'warning'; message: string }
  | { type: 'prepare'; what: 'corpus' | 'heldout'; linesDone: number; lines: number }
  | {
      type: 'ready';
      architecture: string;
      parameters: number;
      sequences: number;
      corpusTokens: number;
      heldoutSequences: number;
      heldoutMaskedTokens: number;
      maskProb: number;
      startStep: number;
    }
  | {
      type: 'step';
      step: number;
      steps: number;
      loss: number;
      accuracy: number;
      lr: number;
      gradNorm: number;
      tokensPerS: number;
      epoch: number;
      etaS: number;
    }
  | { type: 'eval'; step: number; accuracy: number; loss: number; maskedTokens: number }
  | { type: 'checkpoint'; step: number; path: string };

/** The final report, also written to `<out>/pretrain-summary.json` (snake_case, as the CLI prints it). */
export interface PretrainSummary {
  architecture: string;
  out: string;
  steps: number;
  batch_size: number;
  max_length: number;
  mask_prob: number;
  packing: Packing;
  /** How the decoder bias of fresh weights started (`zero` also for --init runs). */
  bias_init: BiasInit;
  adam_eps: number;
  seed: number;
  lr: number;
  warmup_steps: number;
  parameters: number;
  vocab_size: number;
  corpus_lines: number;
  sequences: number;
  corpus_tokens: number;
  epochs: number;
  tokens_seen: number;
  time_s: number;
  train_time_s: number;
  tokens_per_s: number;
  /** Loss and masked-token accuracy of the last step. */
  loss: number;
  accuracy: number;
  /** Mean training loss and accuracy over the last min(100, steps) steps. */
  loss_recent_mean: number;
  accuracy_recent_mean: number;
  heldout_accuracy: number | null;
  heldout_loss: number | null;
  heldout_masked_tokens: number | null;
  evaluations: EvalRecord[];
  resumed_from: number | null;
  /** The tensor backend the steps ran on. */
  backend: string;
}

export const SUMMARY_FILE = 'pretrain-summary.json';
const DEFAULT_MAX_LENGTH = 128;

function checkOptions(o: PretrainOptions): void {
  const int = (v: number, field: string, min: number): void => {
    if (!Number.isInteger(v) || v < min) throw new InputError(`expected an integer ≥ ${min}, got ${v}`, { field });
  };
  int(o.steps, '--steps', 1);
  int(o.batchSize, '--batch-size', 1);
  if (o.maxLength !== undefined) int(o.maxLength, '--max-length', 8);
  int(o.checkpointEvery, '--checkpoint-every', 0);
  int(o.evalEvery, '--eval-every', 0);
  int(o.keepCheckpoints, '--keep-checkpoints', 0);
  int(o.seed, '--seed', 0);
  if (o.warmupSteps !== undefined) int(o.warmupSteps, '--warmup-steps', 0);
  if (!(o.lr > 0) || !Number.isFinite(o.lr)) throw new InputError(`expected a positive learning rate, got ${o.lr}`, { field: '--lr' });
  if (!(o.weightDecay >= 0)) throw new InputError(`expected a non-negative number, got ${o.weightDecay}`, { field: '--weight-decay' });
  if (!(o.maxGradNorm >= 0)) throw new InputError(`expected a non-negative number, got ${o.maxGradNorm}`, { field: '--max-grad-norm' });
  if (o.maskProb !== undefined && !(o.maskProb > 0 && o.maskProb < 1)) {
    throw new InputError(`expected a probability in (0, 1), got ${o.maskProb}`, { field: '--mask-prob' });
  }
}

/** Options that decide the trajectory; a resumed run must use the same ones (`steps` may change, with a warning). */
function trajectoryOptions(
  o: PretrainOptions,
  arch: string,
  maxLength: number,
  maskProb: number,
  warmup: number,
  corpus: SequenceSet,
): Record<string, unknown> {
  return {
    architecture: arch,
    init: o.initFrom ?? null,
    batchSize: o.batchSize,
    maxLength,
    maskProb,
    packing: o.packing,
    seed: o.seed,
    lr: o.lr,
    warmupSteps: warmup,
    weightDecay: o.weightDecay,
    maxGradNorm: o.maxGradNorm,
    steps: o.steps,
    corpusSequences: corpus.count,
    corpusTokens: corpus.tokens,
    // Only when set, so that runs from before the option resume unchanged.
    ...(o.biasInit === 'unigram' ? { biasInit: o.biasInit } : {}),
    ...(o.adamEps !== undefined && o.adamEps !== DEFAULT_ADAM_EPS ? { adamEps: o.adamEps } : {}),
  };
}

const OPTION_FIELDS: Record<string, string> = {
  architecture: '--config',
  init: '--init',
  batchSize: '--batch-size',
  maxLength: '--max-length',
  maskProb: '--mask-prob',
  packing: '--packing',
  seed: '--seed',
  lr: '--lr',
  warmupSteps: '--warmup-steps',
  weightDecay: '--weight-decay',
  maxGradNorm: '--max-grad-norm',
  corpusSequences: '--corpus',
  corpusTokens: '--corpus',
  biasInit: '--bias-init',
  adamEps: '--adam-eps',
};

const DEFAULT_ADAM_EPS = 1e-8;

function mean(xs: readonly number[]): number {
  return xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

function parameterCount(model: MaskedLmModel): number {
  let n = 0;
  for (const v of model.variables.values()) n += v.size;
  return n;
}

/**
 * Masked-language-model pretraining of a BERT or ModernBERT masked LM from a config and a tokenizer on a
 * plain-text corpus: random initialization as transformers does it, standard masking, AdamW with linear
 * warm-up and decay, global-norm clipping, periodic checkpoints (HF layout + optimizer and RNG state) and
 * held-out masked-token accuracy. Resumable exactly from the newest checkpoint (`resume`). An abort
 * (`signal`) writes a checkpoint at the current step, then throws CancelledError.
 */
export async function pretrainMlm(
  opts: PretrainOptions,
  deps: PretrainDeps,
  onEvent: (e: PretrainEvent) => void = () => undefined,
  signal?: AbortSignal,
): Promise<PretrainSummary> {
  const wallStart = performance.now();
  checkOptions(opts);
  if ((opts.configFile === undefined) === (opts.initFrom === undefined)) {
    throw new InputError('give either a config (fresh weights) or a model to start from, not both', { field: '--config' });
  }
  if (opts.biasInit === 'unigram' && opts.initFrom !== undefined) {
    throw new InputError('sets the bias of fresh weights only (--config), not of a model given with --init', { field: '--bias-init' });
  }
  const tokenizerDir = opts.tokenizerDir ?? opts.initFrom;
  if (tokenizerDir === undefined) throw new InputError('is required with --config', { field: '--tokenizer' });
  for (const [file, field] of [
    [opts.corpusFile, '--corpus'],
    [opts.heldoutFile, '--heldout'],
    [tokenizerDir, '--tokenizer'],
    [opts.configFile, '--config'],
    [opts.initFrom, '--init'],
  ] as const) {
    if (file !== undefined && !fs.existsSync(file)) throw new InputError('not found', { file, field });
  }
  const warn = (message: string): void => onEvent({ type: 'warning', message });
  const configFile = opts.configFile ?? path.join(opts.initFrom!, CONFIG_FILE);
  const given = readJsonObjectFile(configFile, 'file not found');
  const arch = pretrainArchitecture(given, configFile);
  const tokenizer = await deps.loadTokenizer(tokenizerDir, given);
  const special = readSpecialTokens(tokenizerDir);
  if (opts.initFrom !== undefined && given.vocab_size !== tokenizer.vocabSize) {
    throw new InputError(`the model's vocab_size ${JSON.stringify(given.vocab_size)} differs from the tokenizer's ${tokenizer.vocabSize}`, {
      file: configFile,
      field: 'vocab_size',
    });
  }
  const config = alignConfigWithTokenizer(given, arch, tokenizer, configFile, warn);
  const maxPositions = typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : arch.name === 'BertForMaskedLM' ? 512 : 8192;
  const maxLength = opts.maxLength ?? Math.min(DEFAULT_MAX_LENGTH, maxPositions);
  if (maxLength > maxPositions) {
    throw new InputError(`${maxLength} exceeds max_position_embeddings ${maxPositions} of ${configFile}`, { field: '--max-length' });
  }
  const existing = listCheckpoints(opts.outDir);
  if (opts.resume && existing.length === 0) throw new InputError('no checkpoint to resume from', { file: opts.outDir, field: '--resume' });
  if (!opts.resume && existing.length > 0) {
    throw new InputError('already holds a pretraining run: pass --resume to continue it, or choose another --out', { file: opts.outDir });
  }

  const maskProb = opts.maskProb ?? arch.defaultMaskProb;
  // On resume without --warmup-steps the run keeps its own warm-up, so that a new --steps alone is accepted.
  const savedWarmup = opts.resume && opts.warmupSteps === undefined ? savedWarmupSteps(existing[existing.length - 1]!.dir) : undefined;
  const warmup = opts.warmupSteps ?? savedWarmup ?? Math.round(0.06 * opts.steps);
  const corpusOpts = { maxLength, packing: opts.packing, signal };
  const corpus = await buildSequences(opts.corpusFile, tokenizer, {
    ...corpusOpts,
    onProgress: (linesDone, lines) => onEvent({ type: 'prepare', what: 'corpus', linesDone, lines }),
  });
  const masker = new MlmMasker({ maskProb, maskTokenId: special.maskTokenId, vocabSize: config.vocab_size as number, specialIds: special.specialIds });
  let heldout: HeldoutSet | undefined;
  if (opts.heldoutFile !== undefined) {
    const set = await buildSequences(opts.heldoutFile, tokenizer, {
      ...corpusOpts,
      onProgress: (linesDone, lines) => onEvent({ type: 'prepare', what: 'heldout', linesDone, lines }),
    });
    heldout = prepareHeldout(set, opts.batchSize, tokenizer.padId, masker, opts.seed);
  }

  const trajectory = trajectoryOptions(opts, arch.name, maxLength, maskProb, warmup, corpus);
  const optimizer = new AdamW({ weightDecay: opts.weightDecay, eps: opts.adamEps ?? DEFAULT_ADAM_EPS });
  let model: MaskedLmModel;
  let maskingRng: Rng;
  let startStep = 0;
  let history: StepRecord[] = [];
  let evaluations: EvalRecord[] = [];
  let trainSeconds = 0;
  let priorWall = 0;
  let tokensSeen = 0;
  let resumedFrom: number | null = null;
  if (opts.resume) {
    const ckpt = loadCheckpoint(existing[existing.length - 1]!.dir);
    const saved = ckpt.state.options;
    // Both ways: an option set only when not default (--bias-init, --adam-eps) may be missing on either side.
    for (const key of new Set([...Object.keys(trajectory), ...Object.keys(saved)])) {
      if (key === 'steps') continue;
      const value = trajectory[key];
      if (JSON.stringify(saved[key]) !== JSON.stringify(value)) {
        throw new InputError(`the run in ${opts.outDir} used ${key} ${JSON.stringify(saved[key]) ?? 'the default'}, this command ${JSON.stringify(value) ?? 'the default'}`, {
          field: OPTION_FIELDS[key] ?? key,
        });
      }
    }
    if (saved.steps !== opts.steps) warn(`resuming with --steps ${opts.steps} instead of ${String(saved.steps)}: the learning-rate schedule changes from here on`);
    model = arch.build(ckpt.config, ckpt.weights, ckpt.weightsFile);
    optimizer.setState(ckpt.optimizer);
    maskingRng = Rng.fromState(ckpt.state.maskingRng);
    startStep = ckpt.state.step;
    history = ckpt.state.history.filter((h) => h.step <= startStep);
    evaluations = ckpt.state.evaluations.filter((e) => e.step <= startStep);
    trainSeconds = ckpt.state.trainSeconds;
    priorWall = ckpt.state.wallSeconds;
    tokensSeen = ckpt.state.tokensSeen;
    resumedFrom = startStep;
  } else {
    if (opts.initFrom !== undefined) {
      const { weights, source } = readCheckpointWeights(opts.initFrom);
      model = arch.build(config, weights, source);
    } else {
      model = arch.build(config, arch.init(config, configFile, Rng.forStream(opts.seed, 'init')), configFile);
      if (opts.biasInit === 'unigram') {
        const prior = tf.tensor1d(unigramLogPrior(corpus.ids, config.vocab_size as number, special.specialIds));
        model.decoderBias.assign(prior);
        prior.dispose();
      }
    }
    maskingRng = Rng.forStream(opts.seed, 'masking');
  }

  try {
    const parameters = parameterCount(model);
    onEvent({
      type: 'ready',
      architecture: arch.name,
      parameters,
      sequences: corpus.count,
      corpusTokens: corpus.tokens,
      heldoutSequences: heldout?.sequences ?? 0,
      heldoutMaskedTokens: heldout?.maskedTokens ?? 0,
      maskProb,
      startStep,
    });
    const sampler = new BatchSampler(corpus.count, opts.batchSize, opts.seed);
    const wallSoFar = (): number => priorWall + (performance.now() - wallStart) / 1000;
    const checkpoint = (step: number): void => {
      const dir = saveCheckpoint(opts.outDir, model, tokenizerDir, optimizer.getState(), {
        format: 'lsr-pretrain/1',
        step,
        options: trajectory,
        maskingRng: maskingRng.state(),
        history,
        evaluations,
        trainSeconds,
        wallSeconds: wallSoFar(),
        tokensSeen,
      });
      pruneCheckpoints(opts.outDir, opts.keepCheckpoints);
      onEvent({ type: 'checkpoint', step, path: dir });
    };
    const evaluate = (step: number): void => {
      if (!heldout) return;
      // Not interrupted by the signal: the loop notices it at the next step and checkpoints first.
      const r = evaluateHeldout(model, heldout);
      evaluations.push({ step, ...r });
      onEvent({ type: 'eval', step, ...r });
    };

    let sessionSeconds = 0;
    for (let step = startStep; step < opts.steps; step++) {
      // The steps are synchronous: without this turn of the event loop a SIGINT/SIGTERM handler never runs.
      await yieldToEventLoop();
      if (signal?.aborted) {
        checkpoint(step);
        throw new CancelledError(`pretraining cancelled after step ${step}; continue it with --resume`);
      }
      const rows = padRows(corpus, sampler.indices(step), tokenizer.padId);
      const batch = masker.mask(rows, maskingRng);
      const lr = linearWarmupDecay(step, opts.lr, warmup, opts.steps);
      const r = mlmTrainStep(model, optimizer, batch, { lr, maxGradNorm: opts.maxGradNorm, dropoutSeed: deriveSeed(opts.seed, `dropout/${step}`) });
      if (r.skipped) warn(`step ${step + 1}: non-finite gradient norm, update skipped`);
      const done = step + 1;
      trainSeconds += r.seconds;
      sessionSeconds += r.seconds;
      tokensSeen += r.tokens;
      history.push({ step: done, loss: r.loss, accuracy: r.accuracy });
      onEvent({
        type: 'step',
        step: done,
        steps: opts.steps,
        loss: r.loss,
        accuracy: r.accuracy,
        lr,
        gradNorm: r.gradNorm,
        tokensPerS: r.tokens / r.seconds,
        epoch: sampler.epochsAfter(done),
        etaS: (sessionSeconds / (done - startStep)) * (opts.steps - done),
      });
      if (done < opts.steps && opts.evalEvery > 0 && done % opts.evalEvery === 0) evaluate(done);
      if (done < opts.steps && opts.checkpointEvery > 0 && done % opts.checkpointEvery === 0) checkpoint(done);
    }

    if (heldout && evaluations[evaluations.length - 1]?.step !== opts.steps) evaluate(opts.steps);
    checkpoint(opts.steps);
    writeModelFolder(opts.outDir, model, tokenizerDir);

    const recent = history.slice(-100);
    const last = history[history.length - 1];
    const finalEval = evaluations[evaluations.length - 1];
    const summary: PretrainSummary = {
      architecture: arch.name,
      out: path.resolve(opts.outDir),
      steps: opts.steps,
      batch_size: opts.batchSize,
      max_length: maxLength,
      mask_prob: maskProb,
      packing: opts.packing,
      bias_init: opts.biasInit ?? 'zero',
      adam_eps: opts.adamEps ?? DEFAULT_ADAM_EPS,
      seed: opts.seed,
      lr: opts.lr,
      warmup_steps: warmup,
      parameters,
      vocab_size: config.vocab_size as number,
      corpus_lines: corpus.lines,
      sequences: corpus.count,
      corpus_tokens: corpus.tokens,
      epochs: sampler.epochsAfter(opts.steps),
      tokens_seen: tokensSeen,
      time_s: wallSoFar(),
      train_time_s: trainSeconds,
      tokens_per_s: trainSeconds > 0 ? tokensSeen / trainSeconds : 0,
      loss: last?.loss ?? NaN,
      accuracy: last?.accuracy ?? NaN,
      loss_recent_mean: mean(recent.map((h) => h.loss)),
      accuracy_recent_mean: mean(recent.map((h) => h.accuracy)),
      heldout_accuracy: finalEval?.accuracy ?? null,
      heldout_loss: finalEval?.loss ?? null,
      heldout_masked_tokens: finalEval?.maskedTokens ?? null,
      evaluations,
      resumed_from: resumedFrom,
      backend: activeBackend()?.name ?? 'unknown',
    };
    fs.writeFileSync(path.join(opts.outDir, SUMMARY_FILE), JSON.stringify(summary, null, 2) + '\n');
    return summary;
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function savedWarmupSteps(checkpointDir: string): number | undefined {
  const w = loadCheckpointState(checkpointDir).options.warmupSteps;
  return typeof w === 'number' ? w : undefined;
}
