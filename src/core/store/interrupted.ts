import os from 'node:os';
import { RunStateError } from './errors.ts';
import { isProcessAlive } from './process-liveness.ts';
import type { RunsRepo } from './runs.ts';
import type { Clock } from './time.ts';

export interface MarkInterruptedOptions {
  isAlive?: (pid: number) => boolean;
  /**
   * A run whose process still seems alive is declared interrupted only after this long without a heartbeat
   * (the pid may have been reused after a reboot, or the process hangs). Generous, because a slow step on a
   * small CPU can starve the heartbeat timer. Default 15 minutes.
   */
  staleAfterMs?: number;
  clock: Clock;
  hostname?: string;
}

export interface InterruptedRun {
  id: string;
  reason: string;
}

/**
 * Marks `interrupted` every run recorded as running whose process is gone (or silent for too long). Called at
 * every start of the CLI and the app. Runs from another machine sharing the workspace are judged by their
 * heartbeat only.
 */
export function markInterruptedRuns(runs: RunsRepo, options: MarkInterruptedOptions): InterruptedRun[] {
  const isAlive = options.isAlive ?? isProcessAlive;
  const staleAfterMs = options.staleAfterMs ?? 15 * 60_000;
  const host = options.hostname ?? os.hostname();
  const now = options.clock();
  const marked: InterruptedRun[] = [];
  for (const run of runs.list({ status: 'running' })) {
    const silentMs = run.heartbeatAt === null ? Infinity : now - Date.parse(run.heartbeatAt);
    const local = run.host === null || run.host === host;
    let reason: string | undefined;
    if (local && run.pid !== null && !isAlive(run.pid)) reason = `its process (pid ${run.pid}) is no longer running`;
    else if (silentMs > staleAfterMs) {
      reason = `no heartbeat from its process${run.pid !== null ? ` (pid ${run.pid})` : ''} for ${Math.round(silentMs / 1000)} s`;
    }
    if (reason === undefined) continue;
    try {
      runs.transition(run.id, 'interrupted', { reason, expectedFrom: 'running' });
      marked.push({ id: run.id, reason });
    } catch (err) {
      // It ended on its own between the read and the write.
      if (!(err instanceof RunStateError)) throw err;
    }
  }
  return marked;
}
