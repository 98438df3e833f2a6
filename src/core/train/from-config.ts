import type { TrainConfig } from '../../shared/train-config.ts';
import { AdamW } from './adamw.ts';
import { InBatchCrossEntropy } from './losses/contrastive.ts';
import { KlDistillation, MarginMse } from './losses/distillation.ts';
import { FlopsRegularizer, L1Regularizer } from './losses/regularizers.ts';
import { SpladeLoss, type RegularizerTerm, type WeightedRanking } from './losses/splade-loss.ts';
import { linearWarmupDecay } from './lr-schedule.ts';

export type LossFields = Pick<
  TrainConfig,
  | 'contrastiveWeight'
  | 'inBatchNegatives'
  | 'negativeScope'
  | 'distillation'
  | 'distillationWeight'
  | 'lambdaQ'
  | 'lambdaD'
  | 'l1Q'
  | 'l1D'
  | 'flopsWarmupSteps'
>;

/** The run's objective: components `ce`, `margin_mse` or `kl`, `flops_q`, `flops_d`, `l1_q`, `l1_d` as set. */
export function lossFromConfig(c: LossFields): SpladeLoss {
  const ranking: WeightedRanking[] = [];
  if (c.contrastiveWeight > 0) {
    ranking.push({ loss: new InBatchCrossEntropy(c.negativeScope, c.inBatchNegatives), weight: c.contrastiveWeight });
  }
  if (c.distillation === 'margin-mse') ranking.push({ loss: new MarginMse(), weight: c.distillationWeight });
  if (c.distillation === 'kl') ranking.push({ loss: new KlDistillation(), weight: c.distillationWeight });
  const regs: RegularizerTerm[] = [];
  const T = c.flopsWarmupSteps;
  const flops = new FlopsRegularizer();
  const l1 = new L1Regularizer();
  if (c.lambdaQ > 0) regs.push({ name: 'flops_q', regularizer: flops, target: 'queries', lambda: c.lambdaQ, warmupSteps: T });
  if (c.lambdaD > 0) regs.push({ name: 'flops_d', regularizer: flops, target: 'documents', lambda: c.lambdaD, warmupSteps: T });
  if (c.l1Q > 0) regs.push({ name: 'l1_q', regularizer: l1, target: 'queries', lambda: c.l1Q, warmupSteps: T });
  if (c.l1D > 0) regs.push({ name: 'l1_d', regularizer: l1, target: 'documents', lambda: c.l1D, warmupSteps: T });
  return new SpladeLoss(ranking, regs);
}

export function optimizerFromConfig(c: Pick<TrainConfig, 'adamBeta1' | 'adamBeta2' | 'adamEps' | 'weightDecay'>): AdamW {
  return new AdamW({ beta1: c.adamBeta1, beta2: c.adamBeta2, eps: c.adamEps, weightDecay: c.weightDecay });
}

export function lrScheduleFromConfig(c: Pick<TrainConfig, 'lr' | 'warmupSteps' | 'steps'>): (step: number) => number {
  return (step) => linearWarmupDecay(step, c.lr, c.warmupSteps, c.steps);
}
