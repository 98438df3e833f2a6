export const RUN_STATUSES = ['queued', 'running', 'finished', 'failed', 'collapsed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * The run lifecycle. `finished`, `failed` and `collapsed` are final; a `cancelled` or `interrupted` run may be
 * resumed (→ running) or queued again; an interrupted run may also be given up (cancelled, or failed when its
 * checkpoint cannot be restored).
 */
const NEXT: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'cancelled', 'failed'],
  running: ['finished', 'failed', 'collapsed', 'cancelled', 'interrupted'],
  cancelled: ['running', 'queued'],
  interrupted: ['running', 'queued', 'cancelled', 'failed'],
  finished: [],
  failed: [],
  collapsed: [],
};

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return NEXT[from].includes(to);
}

export function isFinalStatus(status: RunStatus): boolean {
  return NEXT[status].length === 0;
}

/** Statuses in which no process works on the run. */
export function isEndedStatus(status: RunStatus): boolean {
  return status !== 'queued' && status !== 'running';
}

export function isRunStatus(value: string): value is RunStatus {
  return (RUN_STATUSES as readonly string[]).includes(value);
}
