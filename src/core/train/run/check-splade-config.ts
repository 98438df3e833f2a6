import { InputError } from '../../errors.ts';
import type { RunConfigJson } from '../../runs/run-config.ts';
import { spladeTrainConfig } from './splade-run-config.ts';

/** Checks a run's SPLADE settings before it is stored (CLI and API), naming the field at fault. */
export function checkSpladeConfig(config: RunConfigJson): void {
  const cfg = spladeTrainConfig(config);
  if (cfg.batchSize < 2 && cfg.inBatchNegatives && cfg.negativesPerQuery === 0) {
    throw new InputError('must be ≥ 2 for in-batch negatives without hard negatives', { field: 'train.batchSize' });
  }
}
