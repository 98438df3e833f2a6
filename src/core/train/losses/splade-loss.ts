import * as tf from '@tensorflow/tfjs-core';
import { quadraticWarmup } from './regularizers.ts';
import type { RankingLoss, Regularizer, SpladeReps } from './types.ts';

export interface WeightedRanking {
  loss: RankingLoss;
  weight: number;
}

export interface RegularizerTerm {
  /** Component name, e.g. `flops_q`, `flops_d`, `l1_q`. */
  name: string;
  regularizer: Regularizer;
  /** Queries, or documents (positives and negatives). */
  target: 'queries' | 'documents';
  lambda: number;
  /** T of the quadratic warm-up λ_t = λ · min(1, t/T)²; 0 for none. */
  warmupSteps: number;
}

/** Tensors owned by the caller (dispose `total` and every component). */
export interface LossOutput {
  total: tf.Scalar;
  /**
   * `rank` (Σ weight · ranking term), each ranking term by its name, and each regularizer's unweighted
   * value by its name. total = rank + Σ lambdas[name] · components[name].
   */
  components: Record<string, tf.Scalar>;
  /** The regularizer weights used at this step, by regularizer name. */
  lambdas: Record<string, number>;
}

/** The SPLADE objective: weighted ranking terms plus warmed-up sparsity regularizers. */
export class SpladeLoss {
  constructor(
    readonly ranking: readonly WeightedRanking[],
    readonly regularizers: readonly RegularizerTerm[],
  ) {
    if (ranking.length === 0) throw new Error('the SPLADE loss needs at least one ranking term');
    const names = [...ranking.map((r) => r.loss.name), ...regularizers.map((r) => r.name), 'rank'];
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new Error(`two loss components are named "${dup}"`);
  }

  /** The weights the regularizers take at update `t` (1 = the first update). */
  lambdasAt(t: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.regularizers) out[r.name] = quadraticWarmup(r.lambda, r.warmupSteps, t);
    return out;
  }

  compute(reps: SpladeReps, t: number): LossOutput {
    const components: Record<string, tf.Scalar> = {};
    const lambdas = this.lambdasAt(t);
    const total = tf.tidy(() => {
      let rank: tf.Scalar | null = null;
      for (const { loss, weight } of this.ranking) {
        const value = tf.keep(loss.compute(reps));
        components[loss.name] = value;
        const weighted = tf.mul(value, weight) as tf.Scalar;
        rank = rank ? (tf.add(rank, weighted) as tf.Scalar) : weighted;
      }
      components.rank = tf.keep(tf.clone(rank!));
      let sum: tf.Scalar = rank!;
      for (const r of this.regularizers) {
        const value = tf.keep(this.regularize(r, reps));
        components[r.name] = value;
        sum = tf.add(sum, tf.mul(value, lambdas[r.name]!)) as tf.Scalar;
      }
      return sum;
    });
    return { total, components, lambdas };
  }

  private regularize(term: RegularizerTerm, reps: SpladeReps): tf.Scalar {
    if (term.target === 'queries') return term.regularizer.compute(reps.queries);
    // naver/splade: the document regularizer is the mean of its value on positives and on negatives.
    if (!reps.negatives || reps.negativesPerQuery === 0) return term.regularizer.compute(reps.positives);
    return tf.tidy(
      () =>
        tf.div(
          tf.add(term.regularizer.compute(reps.positives), term.regularizer.compute(reps.negatives!)),
          2,
        ) as tf.Scalar,
    );
  }
}
