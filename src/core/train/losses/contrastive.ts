import * as tf from '@tensorflow/tfjs-core';
import { allPairScores, ownScores } from './scores.ts';
import type { RankingLoss, SpladeReps } from './types.ts';

/**
 * Which hard negatives a query is scored against. `own`: only its own (naver/splade `InBatchPairwiseNLL`,
 * the SPLADE papers' setup). `shared`: every hard negative of the batch (sentence-transformers
 * `MultipleNegativesRankingLoss`).
 */
export type NegativeScope = 'own' | 'shared';

/**
 * Softmax cross-entropy over dot products: query i against every positive of the batch (in-batch negatives)
 * plus hard negatives appended; the target is positive i. Mean over queries.
 */
export class InBatchCrossEntropy implements RankingLoss {
  readonly name = 'ce';

  constructor(
    private readonly scope: NegativeScope = 'own',
    private readonly inBatch = true,
  ) {}

  compute(reps: SpladeReps): tf.Scalar {
    return tf.tidy(() => {
      const rows = reps.queries.shape[0];
      const parts: tf.Tensor2D[] = [];
      if (this.inBatch) parts.push(allPairScores(reps.queries, reps.positives));
      else parts.push(ownScores(reps.queries, reps.positives, 1));
      if (reps.negatives && reps.negativesPerQuery > 0) {
        parts.push(
          this.scope === 'shared'
            ? allPairScores(reps.queries, reps.negatives)
            : ownScores(reps.queries, reps.negatives, reps.negativesPerQuery),
        );
      }
      const scores = parts.length === 1 ? parts[0]! : tf.concat(parts, 1);
      const logProbs = tf.logSoftmax(scores, 1);
      // The positive's column: i with in-batch negatives, 0 without.
      const target = this.inBatch ? tf.range(0, rows, 1, 'int32') : tf.zeros([rows], 'int32');
      const onehot = tf.oneHot(target as tf.Tensor1D, scores.shape[1]);
      return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logProbs), 1))) as tf.Scalar;
    });
  }
}
