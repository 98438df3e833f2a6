import { TRAIN_CONFIG_DEFAULTS } from './train-config.ts';

/**
 * The warm-ups a SPLADE run gets when its config leaves them out: the defaults' proportions of the run
 * (4% of the steps, and a third of them for FLOPS), never more than the defaults, so a run shorter than
 * the defaults assume still validates. The trainer and the run form both use this.
 */
export function shortRunWarmups(steps: number): { warmupSteps: number; flopsWarmupSteps: number } {
  return {
    warmupSteps: Math.min(TRAIN_CONFIG_DEFAULTS.warmupSteps, Math.floor(steps * 0.04)),
    flopsWarmupSteps: Math.min(TRAIN_CONFIG_DEFAULTS.flopsWarmupSteps, Math.floor(steps / 3)),
  };
}
