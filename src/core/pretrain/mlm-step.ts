import * as tf from '@tensorflow/tfjs-core';
import type { MaskedLmModel } from '../models/types.ts';
import { ensureGradients } from '../tensor/gradients.ts';
import type { AdamW } from '../train/adamw.ts';
import { clipByGlobalNorm, type GradMap } from '../train/grad-clip.ts';
import type { MaskedBatch } from './masking.ts';
import { correctCount, crossEntropyAtLabels, maskedPositionLogits } from './mlm-loss.ts';
import { Rng } from '../train/rng.ts';
import { withSeededRandom } from '../train/seeded-random.ts';

export interface MlmStepResult {
  /** Mean cross-entropy over the batch's masked positions (before the update). */
  loss: number;
  /** Share of masked positions whose arg-max prediction was the original token (before the update). */
  accuracy: number;
  maskedTokens: number;
  /** Non-padding tokens in the batch. */
  tokens: number;
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** True when a non-finite gradient norm prevented the update. */
  skipped: boolean;
  seconds: number;
}

export interface MlmStepSettings {
  lr: number;
  /** Global-norm clipping threshold; 0 or Infinity for none. */
  maxGradNorm: number;
  /** Seeds the dropout masks of this step (see `withSeededRandom`). */
  dropoutSeed: number;
}

/** One AdamW update on the MLM loss of `batch`: forward in training mode, backward, clipping, update. */
export function mlmTrainStep(model: MaskedLmModel, optimizer: AdamW, batch: MaskedBatch, settings: MlmStepSettings): MlmStepResult {
  ensureGradients();
  const start = performance.now();
  const byTfName = new Map<string, string>();
  for (const [name, v] of model.variables) byTfName.set(v.name, name);
  const trainable = [...model.variables.values()].filter((v) => v.trainable);
  let logits: tf.Tensor2D | undefined;
  const { value, grads } = withSeededRandom(new Rng(settings.dropoutSeed), () =>
    tf.variableGrads(() => {
      const out = maskedPositionLogits(model, batch, true);
      logits = tf.keep(out);
      return crossEntropyAtLabels(out, batch.labels);
    }, trainable),
  );
  let loss: number;
  let correct: number;
  try {
    loss = value.dataSync()[0]!;
    correct = correctCount(logits!, batch.labels);
  } finally {
    tf.dispose([value, logits!]);
  }
  const named: GradMap = new Map();
  for (const [tfName, g] of Object.entries(grads)) named.set(byTfName.get(tfName)!, g);
  const { grads: clipped, norm } = clipByGlobalNorm(named, settings.maxGradNorm);
  const skipped = !Number.isFinite(norm);
  try {
    if (!skipped) optimizer.apply(model.variables, clipped, settings.lr);
  } finally {
    tf.dispose([...clipped.values()]);
  }
  let tokens = 0;
  for (const m of batch.attentionMask) tokens += m;
  return {
    loss,
    accuracy: correct / batch.labels.length,
    maskedTokens: batch.labels.length,
    tokens,
    lr: settings.lr,
    gradNorm: norm,
    skipped,
    seconds: (performance.now() - start) / 1000,
  };
}
