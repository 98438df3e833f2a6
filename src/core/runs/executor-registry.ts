import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../errors.ts';
import { BUILTIN_EXECUTORS } from './builtin-executors.ts';
import type { RunExecutor } from './executor.ts';
import type { RunConfigJson } from './run-config.ts';

export interface ExecutorRegistration {
  /** Loads the executor (in the run process only). */
  load: () => RunExecutor | Promise<RunExecutor>;
  /**
   * Checks a run's config before the run is created (in the CLI or API process), throwing InputError naming
   * the field (e.g. `train.lr`); the caller adds the file.
   */
  checkConfig?: (config: RunConfigJson) => void;
}

/** Paths (or file URLs) of modules that call `registerExecutor` when imported, separated like PATH. */
export const EXECUTOR_MODULES_ENV = 'LSR_EXECUTOR_MODULES';

const registry = new Map<string, ExecutorRegistration>(Object.entries(BUILTIN_EXECUTORS));
let pluginsLoaded: Promise<void> | undefined;

export function registerExecutor(kind: string, registration: ExecutorRegistration): void {
  if (kind.trim() === '') throw new Error('an executor kind must not be empty');
  registry.set(kind, registration);
}

export function executorKinds(): string[] {
  return [...registry.keys()].sort();
}

/**
 * Imports the modules named in LSR_EXECUTOR_MODULES once (tests and plugins register their executors there);
 * the CLI and the run process both call this before looking an executor up.
 */
export function loadExecutorModules(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  pluginsLoaded ??= (async () => {
    const list = (env[EXECUTOR_MODULES_ENV] ?? '').split(path.delimiter).filter((p) => p.trim() !== '');
    for (const entry of list) {
      const url = entry.startsWith('file:') ? entry : pathToFileURL(path.resolve(entry)).href;
      await import(url);
    }
  })();
  return pluginsLoaded;
}

export function executorRegistration(kind: string): ExecutorRegistration {
  const found = registry.get(kind);
  if (!found) {
    const known = executorKinds();
    throw new InputError(`no executor for kind "${kind}" (registered: ${known.length > 0 ? known.join(', ') : 'none'})`, { field: 'kind' });
  }
  return found;
}
