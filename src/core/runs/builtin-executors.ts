import type { ExecutorRegistration } from './executor-registry.ts';
import { bm25Settings } from '../bm25/bm25-executor.ts';
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
  /** A BM25 baseline kept as a run (evaluations only), so comparisons can show the lexical row. */
  bm25: {
    load: async () => (await import('../bm25/bm25-executor.ts')).bm25Executor,
    checkConfig: (config) => void bm25Settings(config),
  },
};
