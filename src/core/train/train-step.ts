import * as tf from '@tensorflow/tfjs-core';
import type { MaskedLmModel } from '../models/types.ts';
import { spladeMaxFirst, spladeMaxFirstPacked, type MaxFirstOptions } from '../splade/max-first-head.ts';
import type { AdamW } from './adamw.ts';
import { ensureGradients } from '../tensor/gradients.ts';
import { frobeniusNorm } from '../tensor/norm.ts';
import { GradientAccumulator } from './grad-accumulator.ts';
import { clipByGlobalNorm, type GradMap } from './grad-clip.ts';
import type { SpladeLoss } from './losses/splade-loss.ts';
import { countSparsity, emptySparsity, sparsityMetrics, type Sparsity } from './sparsity.ts';

/** Right-padded token ids and attention mask, row-major [rows, cols]. */
export interface TokenBatch {
  inputIds: Int32Array;
  attentionMask: Int32Array;
  rows: number;
  cols: number;
}

/**
 * One micro-batch: B queries, their B positives, optionally n hard negatives per query (query i's at rows
 * i·n … i·n + n − 1) and teacher scores [B × (1 + n)] for (positive, negatives) per query.
 */
export interface TrainBatch {
  queries: TokenBatch;
  positives: TokenBatch;
  negatives?: TokenBatch;
  negativesPerQuery: number;
  teacherScores?: Float32Array;
}

export interface TrainStepContext {
  model: MaskedLmModel;
  loss: SpladeLoss;
  optimizer: AdamW;
  /** Learning rate of the update that follows `step` completed updates. */
  lr: (step: number) => number;
  /** Global-norm clipping threshold; 0 or Infinity for none. */
  maxGradNorm: number;
  head?: MaxFirstOptions;
}

/**
 * The metrics of one optimizer update, by the names they are recorded under:
 * `loss` (total), every loss component (`rank`, `ce`, `flops_q`, … unweighted), `lambda_<regularizer>`,
 * `lr`, `grad_norm` (before clipping), `q_nnz_mean|max`, `d_nnz_mean|max` (non-zero entries per vector;
 * documents = positives and negatives), `q_weight_mean`, `d_weight_mean` (mean of the non-zero weights),
 * `decoder_norm` (Frobenius norm of the decoder weight after the update), `step_s`, `tokens_per_s`
 * (token positions, padding included, of queries and documents per second), `skipped` (1 when a
 * non-finite gradient prevented the update). Losses and sparsity are averaged over micro-batches.
 */
export type TrainStepMetrics = Record<string, number>;

function toTensors(b: TokenBatch): [tf.Tensor2D, tf.Tensor2D] {
  if (b.inputIds.length !== b.rows * b.cols || b.attentionMask.length !== b.rows * b.cols) {
    throw new Error(`token batch of [${b.rows}, ${b.cols}] holds ${b.inputIds.length} ids`);
  }
  return [tf.tensor2d(b.inputIds, [b.rows, b.cols], 'int32'), tf.tensor2d(b.attentionMask, [b.rows, b.cols], 'int32')];
}

/**
 * SPLADE vectors [rows, vocab] of a token batch through the model and the max-first head; through the
 * model's packed path (no work on padding) when it has one.
 */
export function encodeSplade(model: MaskedLmModel, batch: TokenBatch, training: boolean, head?: MaxFirstOptions): tf.Tensor2D {
  return tf.tidy(() => {
    const [ids, mask] = toTensors(batch);
    const w = model.decoderWeight as tf.Tensor2D;
    const b = model.decoderBias as tf.Tensor1D;
    if (model.packedHeadHidden) {
      const { rows, layout } = model.packedHeadHidden(ids, mask, training);
      return spladeMaxFirstPacked(rows, layout, w, b, head);
    }
    return spladeMaxFirst(model.headHidden(ids, mask, training), mask, w, b, head);
  });
}

function sparsityOf(reps: tf.Tensor2D[], into: Sparsity): void {
  for (const r of reps) countSparsity(r.dataSync() as Float32Array, r.shape[0], r.shape[1], into);
}

function tokensOf(b: TrainBatch): number {
  const n = (t?: TokenBatch): number => (t ? t.rows * t.cols : 0);
  return n(b.queries) + n(b.positives) + n(b.negatives);
}

/**
 * One optimizer update over `microBatches` (gradient accumulation: each micro-batch's gradient weighs
 * 1/count): forward of queries and documents through the max-first head, loss, gradients with respect to
 * every model variable, global-norm clipping, AdamW. `step` is the number of updates done before this one
 * (0 for the first); regularizer warm-up uses t = step + 1. Every tensor it makes is disposed.
 */
export function trainStep(ctx: TrainStepContext, step: number, microBatches: readonly TrainBatch[]): TrainStepMetrics {
  if (microBatches.length === 0) throw new Error('trainStep needs at least one batch');
  const start = performance.now();
  const { model } = ctx;
  const byTfName = new Map<string, string>();
  for (const [name, v] of model.variables) byTfName.set(v.name, name);
  const varList = [...model.variables.values()].filter((v) => v.trainable);

  const sums: Record<string, number> = {};
  const q = emptySparsity();
  const d = emptySparsity();
  let lambdas: Record<string, number> = {};
  const acc = new GradientAccumulator();
  const scale = 1 / microBatches.length;
  let tokens = 0;

  try {
    for (const mb of microBatches) {
      tokens += tokensOf(mb);
      let components: Record<string, tf.Scalar> = {};
      let kept: tf.Tensor2D[] = [];
      const { value, grads } = (ensureGradients(), tf.variableGrads(() => {
        const qr = encodeSplade(model, mb.queries, true, ctx.head);
        const pr = encodeSplade(model, mb.positives, true, ctx.head);
        const nr = mb.negatives ? encodeSplade(model, mb.negatives, true, ctx.head) : undefined;
        const rows = mb.queries.rows;
        const teacher = mb.teacherScores
          ? tf.tensor2d(mb.teacherScores, [rows, mb.teacherScores.length / rows])
          : undefined;
        const out = ctx.loss.compute(
          { queries: qr, positives: pr, negatives: nr, negativesPerQuery: mb.negativesPerQuery, teacherScores: teacher },
          step + 1,
        );
        components = out.components;
        lambdas = out.lambdas;
        kept = [qr, pr, ...(nr ? [nr] : [])].map((t) => tf.keep(t));
        return out.total;
      }, varList));
      try {
        sums.loss = (sums.loss ?? 0) + value.dataSync()[0]!;
        for (const [name, t] of Object.entries(components)) sums[name] = (sums[name] ?? 0) + t.dataSync()[0]!;
        sparsityOf(kept.slice(0, 1), q);
        sparsityOf(kept.slice(1), d);
      } finally {
        tf.dispose([value, ...Object.values(components), ...kept]);
      }
      const named: GradMap = new Map();
      for (const [tfName, g] of Object.entries(grads)) named.set(byTfName.get(tfName)!, g);
      acc.add(named, scale);
    }

    const { grads, norm } = clipByGlobalNorm(acc.take(), ctx.maxGradNorm);
    const lr = ctx.lr(step);
    const skipped = !Number.isFinite(norm);
    try {
      if (!skipped) ctx.optimizer.apply(model.variables, grads, lr);
    } finally {
      tf.dispose([...grads.values()]);
    }

    const metrics: TrainStepMetrics = {};
    for (const [name, total] of Object.entries(sums)) metrics[name] = total * scale;
    for (const [name, value] of Object.entries(lambdas)) metrics[`lambda_${name}`] = value;
    metrics.lr = lr;
    metrics.grad_norm = norm;
    metrics.skipped = skipped ? 1 : 0;
    Object.assign(metrics, sparsityMetrics(q, d));
    metrics.decoder_norm = frobeniusNorm(model.decoderWeight);
    const seconds = (performance.now() - start) / 1000;
    metrics.step_s = seconds;
    metrics.tokens_per_s = tokens / seconds;
    return metrics;
  } finally {
    acc.dispose();
  }
}
