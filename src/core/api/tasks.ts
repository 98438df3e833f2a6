import type { TaskProgress } from '../../shared/contract.ts';
import { CancelledError } from '../errors.ts';
import { conflict } from './api-failure.ts';

export interface TaskHandle {
  signal: AbortSignal;
  /** A progress line (and the fraction done, when known); sent at most every `minIntervalMs`, the last one always. */
  progress(message: string, fraction?: number | null): void;
}

/**
 * Long calls (downloads, imports, model checks) under an id the caller picks, so it can follow their
 * `tasks.progress` events and cancel them (`tasks.cancel`) while the call is still waiting for its answer.
 */
export class TaskRegistry {
  private readonly running = new Map<string, AbortController>();
  private anonymous = 0;

  constructor(
    private readonly emit: (progress: TaskProgress) => void,
    private readonly minIntervalMs = 100,
  ) {}

  async run<T>(taskId: string | undefined, method: string, work: (task: TaskHandle) => Promise<T>): Promise<T> {
    const id = taskId ?? `anonymous-${++this.anonymous}`;
    if (this.running.has(id)) throw conflict(`task "${id}" is already running`);
    const controller = new AbortController();
    this.running.set(id, controller);
    let lastSent = 0;
    let pending: TaskProgress | undefined;
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      if (!pending) return;
      lastSent = Date.now();
      const p = pending;
      pending = undefined;
      if (taskId !== undefined) this.emit(p);
    };
    const handle: TaskHandle = {
      signal: controller.signal,
      progress: (message, fraction = null) => {
        pending = { taskId: id, method, message, fraction };
        const wait = lastSent + this.minIntervalMs - Date.now();
        if (wait <= 0) flush();
        else timer ??= setTimeout(flush, wait);
      },
    };
    try {
      // Work that finished before it noticed a late cancel did happen: its result stands.
      return await work(handle);
    } catch (err) {
      // Work that notices the abort may fail in its own words; the caller asked to cancel, so say that.
      if (controller.signal.aborted && !(err instanceof CancelledError)) throw new CancelledError();
      throw err;
    } finally {
      clearTimeout(timer);
      flush();
      this.running.delete(id);
    }
  }

  /** Asks a running task to stop; false when no task has this id. */
  cancel(taskId: string): boolean {
    const controller = this.running.get(taskId);
    if (!controller) return false;
    controller.abort(new CancelledError());
    return true;
  }

  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort(new CancelledError());
  }
}
