import { InputError } from '../../errors.ts';
import type { RunConfigJson } from '../../runs/run-config.ts';
import { TRAIN_CONFIG_DEFAULTS, validateTrainConfig, type TrainConfig } from '../../../shared/train-config.ts';
import { shortRunWarmups } from '../../../shared/short-run-warmups.ts';

/**
 * The SPLADE hyperparameters of a stored run: the run-level fields (model, dataset, k, seed, steps, …) and
 * the free `train` object merged over the literature defaults, then validated.
 *
 * Short runs: when `warmupSteps` / `flopsWarmupSteps` are not given, they keep the defaults' proportions of
 * the run (4% and a third of the steps) instead of exceeding a run shorter than the defaults assume.
 */
export function spladeTrainConfig(run: RunConfigJson): TrainConfig {
  const train = { ...run.train };
  const input: Record<string, unknown> = { ...train, model: run.model, dataset: run.dataset, k: run.k, seed: run.seed };
  if (run.steps !== undefined) input.steps = run.steps;
  if (run.checkpointEvery !== undefined) input.checkpointEvery = run.checkpointEvery;
  if (run.evalEvery !== undefined) input.evalEvery = run.evalEvery;
  if (run.collapse !== undefined) input.collapse = run.collapse;
  if (run.backend !== undefined) input.backend = run.backend;
  const steps = typeof input.steps === 'number' ? input.steps : TRAIN_CONFIG_DEFAULTS.steps;
  const warmups = shortRunWarmups(steps);
  if (!('warmupSteps' in train)) input.warmupSteps = warmups.warmupSteps;
  if (!('flopsWarmupSteps' in train)) input.flopsWarmupSteps = warmups.flopsWarmupSteps;
  const result = validateTrainConfig(input);
  if (result.config === null) {
    const first = result.errors[0]!;
    const runLevel = ['model', 'dataset', 'k', 'seed', 'steps', 'checkpointEvery', 'evalEvery', 'backend'];
    const field = runLevel.includes(first.field) || first.field.startsWith('collapse') ? first.field : `train.${first.field}`;
    const more = result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : '';
    throw new InputError(`${first.message}${more}`, { field });
  }
  return result.config;
}
