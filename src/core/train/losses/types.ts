import type * as tf from '@tensorflow/tfjs-core';

/**
 * SPLADE vectors of one (micro-)batch, [rows, vocab] each. Query i's positive is `positives` row i; its
 * hard negatives are `negatives` rows i·n … i·n + n − 1 (n = `negativesPerQuery`).
 * `teacherScores` [batch, 1 + n] holds a teacher's scores for (query i, positive, negative 1 … n).
 */
export interface SpladeReps {
  queries: tf.Tensor2D;
  positives: tf.Tensor2D;
  negatives?: tf.Tensor2D;
  negativesPerQuery: number;
  teacherScores?: tf.Tensor2D;
}

/** A ranking objective over the batch's dot products; returns a scalar the caller owns. */
export interface RankingLoss {
  /** The component name it is recorded under (`ce`, `margin_mse`, `kl`). */
  readonly name: string;
  compute(reps: SpladeReps): tf.Scalar;
}

/** A sparsity regularizer over one set of representations [rows, vocab]. */
export interface Regularizer {
  readonly kind: string;
  compute(reps: tf.Tensor2D): tf.Scalar;
}
