import { CancelledError } from '../errors.ts';
import type { MaskedLmModel } from '../models/types.ts';
import { Rng } from '../train/rng.ts';
import { padRows } from './batches.ts';
import type { SequenceSet } from './corpus.ts';
import type { MaskedBatch, MlmMasker } from './masking.ts';
import { correctCount, crossEntropyAtLabels, maskedPositionLogits } from './mlm-loss.ts';

/** Held-out sequences masked once, in fixed batches, so every evaluation scores the same predictions. */
export interface HeldoutSet {
  batches: MaskedBatch[];
  maskedTokens: number;
  sequences: number;
}

export interface HeldoutResult {
  /** Share of masked positions predicted exactly (arg-max = original token). */
  accuracy: number;
  /** Mean cross-entropy over all masked positions. */
  loss: number;
  maskedTokens: number;
}

/** Masks the held-out sequences in file order with the `heldout-masking` stream of `seed`. */
export function prepareHeldout(set: SequenceSet, batchSize: number, padId: number, masker: MlmMasker, seed: number): HeldoutSet {
  const rng = Rng.forStream(seed, 'heldout-masking');
  const batches: MaskedBatch[] = [];
  let maskedTokens = 0;
  for (let start = 0; start < set.count; start += batchSize) {
    const indices: number[] = [];
    for (let i = start; i < Math.min(set.count, start + batchSize); i++) indices.push(i);
    const batch = masker.mask(padRows(set, indices, padId), rng);
    if (batch.positions.length === 0) continue;
    batches.push(batch);
    maskedTokens += batch.positions.length;
  }
  return { batches, maskedTokens, sequences: set.count };
}

/** Masked-token accuracy and loss of `model` (inference mode, no dropout) on a prepared held-out set. */
export function evaluateHeldout(model: MaskedLmModel, heldout: HeldoutSet, signal?: AbortSignal): HeldoutResult {
  let correct = 0;
  let lossSum = 0;
  for (const batch of heldout.batches) {
    if (signal?.aborted) throw new CancelledError();
    const logits = maskedPositionLogits(model, batch, false);
    try {
      const loss = crossEntropyAtLabels(logits, batch.labels);
      lossSum += loss.dataSync()[0]! * batch.labels.length;
      loss.dispose();
      correct += correctCount(logits, batch.labels);
    } finally {
      logits.dispose();
    }
  }
  const n = heldout.maskedTokens;
  return { accuracy: n > 0 ? correct / n : 0, loss: n > 0 ? lossSum / n : NaN, maskedTokens: n };
}
