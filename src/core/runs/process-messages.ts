import type { RunStatus } from '../store/run-status.ts';

/** Messages the run process sends its parent over the fork IPC channel (structured clone: NaN survives). */
export type RunProcessMessage =
  | { type: 'started'; runId: string; pid: number; startStep: number }
  | { type: 'progress'; runId: string; step: number; totalSteps: number; message?: string; metrics: Record<string, number> }
  | { type: 'checkpoint'; runId: string; step: number; path: string }
  | { type: 'evaluation'; runId: string; step: number; dataset: string; split: string; metrics: Record<string, number> }
  | { type: 'end'; runId: string; status: RunStatus; reason: string | null; step: number | null };

export type EndMessage = Extract<RunProcessMessage, { type: 'end' }>;

/** Messages the parent sends the run process. */
export type ParentMessage = { type: 'cancel' };

const TYPES = new Set(['started', 'progress', 'checkpoint', 'evaluation', 'end']);

export function isRunProcessMessage(value: unknown): value is RunProcessMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    TYPES.has((value as { type?: unknown }).type as string) &&
    typeof (value as { runId?: unknown }).runId === 'string'
  );
}

export function isParentMessage(value: unknown): value is ParentMessage {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'cancel';
}
