import type { ExecutorRegistration } from './executor-registry.ts';
import { checkSpladeConfig } from '../train/run/check-splade-config.ts';

/**
 * The executors shipped with the workbench, by `config.kind`. Loaded lazily: the CLI process that only
 * checks a config never loads a trainer.
 */
export const BUILTIN_EXECUTORS: Readonly<Record<string, ExecutorRegistration>> = {
  splade: {
    load: async () => (await import('../train/run/splade-executor.ts')).spladeExecutor,
    checkConfig: checkSpladeConfig,
  },
};
