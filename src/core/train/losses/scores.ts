import * as tf from '@tensorflow/tfjs-core';
import { matMul2d } from '../../tensor/matmul.ts';
import type { SpladeReps } from './types.ts';

/** q · dᵀ for every query and every document: [queries, documents]. */
export function allPairScores(queries: tf.Tensor2D, docs: tf.Tensor2D): tf.Tensor2D {
  return matMul2d(queries, docs, false, true);
}

/** Each query against its own n documents (rows i·n … i·n + n − 1 of `docs`): [queries, n]. */
export function ownScores(queries: tf.Tensor2D, docs: tf.Tensor2D, n: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [rows, vocab] = queries.shape;
    if (docs.shape[0] !== rows * n) {
      throw new Error(`expected ${rows * n} documents (${n} per query), got ${docs.shape[0]}`);
    }
    const grouped = tf.reshape(docs, [rows, n, vocab]);
    return tf.sum(tf.mul(grouped, tf.reshape(queries, [rows, 1, vocab])), 2) as tf.Tensor2D;
  });
}

/** Student scores for (query i, positive i, its negatives): [batch, 1 + n]. */
export function candidateScores(reps: SpladeReps): tf.Tensor2D {
  return tf.tidy(() => {
    const pos = ownScores(reps.queries, reps.positives, 1);
    if (!reps.negatives || reps.negativesPerQuery === 0) return pos;
    return tf.concat([pos, ownScores(reps.queries, reps.negatives, reps.negativesPerQuery)], 1);
  });
}
