import os from 'node:os';
import { InputError } from '../../errors.ts';
import type { BackendChoice } from '../../tensor/backend.ts';

/**
 * Queries per replica below which `auto` adds no replica: each one carries fixed costs every step (its own
 * pass over vocabulary-sized gradients, tfjs's per-op overhead, the exchange) and at start-up, which a shard
 * of a few rows does not repay (measured: 2 replicas of 8 queries each run a step 1.5× faster than one of 16;
 * batches of 4 train faster in one thread).
 */
export const MIN_QUERIES_PER_WORKER = 4;

/**
 * Set by a run queue that trains several runs at once (its share of the cores for each run process), so that
 * parallel runs do not each start a replica per core and oversubscribe the machine.
 */
export const CORES_ENV = 'LSR_CORES';

/** The cores this process may use: `LSR_CORES` when a queue gave it a share, else all of them. */
export function coresForThisProcess(): number {
  const share = Number(process.env[CORES_ENV]);
  return Number.isInteger(share) && share >= 1 ? share : os.availableParallelism();
}

/** Each of `lanes` processes training at once gets an equal share of the cores (at least 1). */
export function coresPerLane(lanes: number, cores = os.availableParallelism()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, lanes)));
}

/**
 * How many data-parallel replicas to train with. `auto`: on the wasm backend, one per core (each replica
 * runs single-threaded wasm, so cores add up), as long as each gets MIN_QUERIES_PER_WORKER queries of the
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
  const cores = opts.cores ?? coresForThisProcess();
  if (cores < 2) return 1;
  const byBatch = opts.batchRows === undefined ? cores : Math.floor(opts.batchRows / MIN_QUERIES_PER_WORKER);
  return Math.max(1, Math.min(cores, byBatch));
}
