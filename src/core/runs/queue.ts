import { errorMessage } from '../errors.ts';
import { RunStateError } from '../store/errors.ts';
import type { RunRecord } from '../store/runs.ts';
import type { Store } from '../store/store.ts';
import { coresPerLane } from '../train/parallel/choose-workers.ts';
import { startRunProcess, type RunProcess, type RunProcessExit, type RunProcessOptions } from './launch.ts';
import { eventOfMessage, type RunEvent } from './run-events.ts';

export interface QueueItem {
  runId: string;
  /** 0, or the checkpoint step a resumed run continues from. */
  startStep: number;
}

export interface QueueOptions {
  store: Store;
  home: string;
  /** Runs training at once, each in its own process. Default 1. */
  maxParallel?: number;
  /** Cores each run process may use; default: an equal share for each of the `maxParallel` runs. */
  cores?: number;
  /** Aborting cancels: running runs stop at a step boundary (with a checkpoint), queued ones never start. */
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  start?: (options: RunProcessOptions) => RunProcess;
}

function describeExit(exit: RunProcessExit): string {
  if (exit.error) return `could not start (${exit.error.message})`;
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

/**
 * Trains queued runs in order, `maxParallel` at a time, each in its own process, and reports their events.
 * Resolves with each run's final record (same order as `items`). When a process dies without recording its
 * end, the run is marked `interrupted` (if it had started) or `failed` (if it never did).
 */
export async function runQueue(items: readonly QueueItem[], options: QueueOptions): Promise<RunRecord[]> {
  const { store, home, signal } = options;
  const emit = (e: RunEvent) => options.onEvent?.(e);
  const start = options.start ?? startRunProcess;
  const active = new Map<string, RunProcess>();
  const results: RunRecord[] = new Array<RunRecord>(items.length);

  const cancelActive = () => {
    for (const [id, proc] of active) {
      try {
        store.runs.requestCancel(id);
      } catch {
        // The IPC message below still reaches the process.
      }
      proc.cancel();
    }
  };
  // A follower that exits (a second Ctrl-C) takes its runs with it rather than leaving them unattended.
  const killActive = () => {
    for (const proc of active.values()) proc.kill();
  };
  signal?.addEventListener('abort', cancelActive);
  process.on('exit', killActive);

  const runOne = async (item: QueueItem): Promise<RunRecord> => {
    const { runId } = item;
    const run = store.runs.require(runId);
    if (signal?.aborted && run.status === 'queued') {
      const { run: after } = store.runs.requestCancel(runId, 'cancelled before it started');
      emit({ event: 'end', run: runId, status: after.status });
      return after;
    }
    if (run.status !== 'queued') {
      emit({ event: 'end', run: runId, status: run.status });
      return run;
    }
    const proc = start({
      home,
      runId,
      startStep: item.startStep,
      ...(cores !== undefined ? { cores } : {}),
      onMessage: (m) => {
        const e = eventOfMessage(m);
        if (e) emit(e);
      },
    });
    active.set(runId, proc);
    if (signal?.aborted) cancelActive();
    const exit = await proc.exited;
    active.delete(runId);
    let final = store.runs.require(runId);
    if (final.status === 'running') {
      store.markInterruptedRuns();
      final = store.runs.require(runId);
    } else if (final.status === 'queued') {
      try {
        final = store.runs.transition(runId, 'failed', {
          reason: `its training process ${describeExit(exit)} before the run started`,
          expectedFrom: 'queued',
        });
      } catch (err) {
        if (!(err instanceof RunStateError)) throw new Error(`run ${runId}: ${errorMessage(err)}`);
        final = store.runs.require(runId);
      }
    }
    emit({ event: 'end', run: runId, status: final.status });
    return final;
  };

  const lanes = Math.max(1, Math.min(options.maxParallel ?? 1, items.length));
  const cores = options.cores ?? (lanes > 1 ? coresPerLane(lanes) : undefined);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await runOne(items[i]);
    }
  };
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } finally {
    signal?.removeEventListener('abort', cancelActive);
    process.off('exit', killActive);
  }
  return results;
}
