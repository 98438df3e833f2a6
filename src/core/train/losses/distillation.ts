import * as tf from '@tensorflow/tfjs-core';
import { candidateScores } from './scores.ts';
import type { RankingLoss, SpladeReps } from './types.ts';

function teacher(reps: SpladeReps, who: string): tf.Tensor2D {
  const t = reps.teacherScores;
  if (!t) throw new Error(`${who} needs teacher scores`);
  const want = [reps.queries.shape[0], 1 + (reps.negatives ? reps.negativesPerQuery : 0)];
  if (t.shape[0] !== want[0] || t.shape[1] !== want[1]) {
    throw new Error(`${who}: teacher scores are [${t.shape}], expected [${want}]`);
  }
  return t;
}

/**
 * MarginMSE (Hofstätter et al. 2020, arXiv 2010.02666): mean over (query, negative) pairs of
 * ((s_pos − s_neg) − (t_pos − t_neg))², as naver/splade `DistilMarginMSE`.
 */
export class MarginMse implements RankingLoss {
  readonly name = 'margin_mse';

  compute(reps: SpladeReps): tf.Scalar {
    return tf.tidy(() => {
      const t = teacher(reps, 'MarginMSE');
      if (t.shape[1] < 2) throw new Error('MarginMSE needs at least one negative per query');
      const s = candidateScores(reps);
      const n = s.shape[1] - 1;
      const studentMargin = tf.sub(tf.slice(s, [0, 0], [-1, 1]), tf.slice(s, [0, 1], [-1, n]));
      const teacherMargin = tf.sub(tf.slice(t, [0, 0], [-1, 1]), tf.slice(t, [0, 1], [-1, n]));
      return tf.mean(tf.square(tf.sub(studentMargin, teacherMargin))) as tf.Scalar;
    });
  }
}

/**
 * KL distillation (Lin et al. 2020, arXiv 2010.11386; naver/splade `DistilKLLoss`): per query,
 * KL(softmax(teacher) ‖ softmax(student)) over its candidates (positive, negatives), mean over queries.
 */
export class KlDistillation implements RankingLoss {
  readonly name = 'kl';

  compute(reps: SpladeReps): tf.Scalar {
    return tf.tidy(() => {
      const t = teacher(reps, 'KL distillation');
      const logQ = tf.logSoftmax(candidateScores(reps), 1);
      const logP = tf.logSoftmax(t, 1);
      const p = tf.exp(logP);
      // p · (log p − log q), with 0 where p underflowed to 0 (PyTorch's KLDivLoss uses xlogy likewise).
      const terms = tf.where(tf.greater(p, 0), tf.mul(p, tf.sub(logP, logQ)), tf.zerosLike(p));
      return tf.mean(tf.sum(terms, 1)) as tf.Scalar;
    });
  }
}
