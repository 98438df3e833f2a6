import fs from 'node:fs';
import { InputError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { QueueItem } from './queue.ts';

/**
 * Makes a cancelled or interrupted run ready to continue: from its last checkpoint (whose folder must still
 * exist), forgetting what was recorded after it, and queued again. A run without a checkpoint starts over
 * from step 0. A queued run (e.g. left by a sweep whose follower was stopped) simply starts.
 */
export function prepareResume(store: Store, runId: string): QueueItem & { checkpointPath: string | null } {
  const run = store.runs.require(runId);
  if (run.status !== 'cancelled' && run.status !== 'interrupted' && run.status !== 'queued') {
    throw new InputError(`run ${runId} is ${run.status}; only a cancelled, interrupted or queued run can be resumed`, { field: 'RUN' });
  }
  const checkpoint = store.checkpoints.latest(runId);
  if (checkpoint && !fs.existsSync(checkpoint.path)) {
    throw new InputError(`the checkpoint of run ${runId} at step ${checkpoint.step} is gone from disk`, { file: checkpoint.path });
  }
  const step = checkpoint?.step ?? 0;
  // Queued already (never started, or a resume whose process has not started yet): same starting point.
  if (run.status === 'queued') return { runId, startStep: step, checkpointPath: checkpoint?.path ?? null };
  store.rewindRun(runId, step);
  store.runs.transition(runId, 'queued', { reason: checkpoint ? `resuming from step ${step}` : 'starting over (no checkpoint)', step });
  return { runId, startStep: step, checkpointPath: checkpoint?.path ?? null };
}
