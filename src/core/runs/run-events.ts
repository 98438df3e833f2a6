import type { RunStatus } from '../store/run-status.ts';
import type { RunProcessMessage } from './process-messages.ts';

/**
 * What following runs reports, one object per event (`lsr train --json` prints them one per line). A run's
 * last event is always `end`, with exactly `event`, `run` and `status`.
 */
export type RunEvent =
  | { event: 'queued'; run: string; name: string; sweep: string | null }
  | { event: 'start'; run: string; pid: number; startStep: number }
  | { event: 'progress'; run: string; step: number; totalSteps: number; message?: string; metrics: Record<string, number> }
  | { event: 'checkpoint'; run: string; step: number; path: string }
  | { event: 'evaluation'; run: string; step: number; dataset: string; split: string; metrics: Record<string, number> }
  | { event: 'end'; run: string; status: RunStatus };

/** The event for a message from a run process; `end` is reported by the queue once the process has exited. */
export function eventOfMessage(m: RunProcessMessage): RunEvent | undefined {
  switch (m.type) {
    case 'started':
      return { event: 'start', run: m.runId, pid: m.pid, startStep: m.startStep };
    case 'progress': {
      const e: RunEvent = { event: 'progress', run: m.runId, step: m.step, totalSteps: m.totalSteps, metrics: m.metrics };
      if (m.message !== undefined) e.message = m.message;
      return e;
    }
    case 'checkpoint':
      return { event: 'checkpoint', run: m.runId, step: m.step, path: m.path };
    case 'evaluation':
      return { event: 'evaluation', run: m.runId, step: m.step, dataset: m.dataset, split: m.split, metrics: m.metrics };
    case 'end':
      return undefined;
  }
}
