import os from 'node:os';
import { InputError } from '../../errors.ts';
import type { BackendChoice } from '../../tensor/backend.ts';

/**
 * How many data-parallel replicas to train with. `auto`: one per core on the wasm backend when there are
 * at least two cores (each replica runs single-threaded wasm, so cores add up), capped by the rows of a
 * batch; otherwise 1. The native bindings (tensorflow, tensorflow-gpu) fail to load in a second thread, so
 * they always train in this one; asking them for more workers is an input error.
 */
export function chooseWorkers(
  requested: number | 'auto' | undefined,
  backend: BackendChoice,
  opts: { cores?: number; batchRows?: number; field?: string } = {},
): number {
  const native = backend === 'tensorflow' || backend === 'tensorflow-gpu';
  const field = opts.field ?? 'workers';
  if (typeof requested === 'number') {
    if (!Number.isInteger(requested) || requested < 1) throw new InputError(`must be a positive integer, got ${requested}`, { field });
    if (native && requested > 1) {
      throw new InputError(`the ${backend} backend cannot run in worker threads; use 1 worker or the wasm backend`, { field });
    }
    return requested;
  }
  if (backend !== 'wasm') return 1;
  const cores = opts.cores ?? os.availableParallelism();
  if (cores < 2) return 1;
  return Math.max(1, Math.min(cores, opts.batchRows ?? cores));
}
