import { errorMessage } from '../errors.ts';
import type { RunProcess, RunProcessOptions } from '../runs/launch.ts';
import { runQueue, type QueueItem } from '../runs/queue.ts';
import { coresPerLane } from '../train/parallel/choose-workers.ts';
import type { RunEvent } from '../runs/run-events.ts';
import type { Store } from '../store/store.ts';

export interface RunSchedulerOptions {
  home: string;
  /** The API's store (opened on first use). */
  store: () => Store;
  onEvent?: (event: RunEvent) => void;
  /** Problems of the queue itself (not a run's failure, which the store records). */
  onError?: (message: string) => void;
  /** Tests replace the training process. */
  start?: (options: RunProcessOptions) => RunProcess;
}

interface Waiting {
  item: QueueItem;
  /** At most this many runs train at once while this one starts. */
  maxParallel: number;
}

/**
 * The API process's one queue of runs to train: first in, first out, each run in its own forked process
 * (never on the API's event loop). A run is started when fewer runs are training than its batch allows
 * (`maxParallel` of the `runs.start` that queued it). A run cancelled or deleted while it waits is skipped.
 */
export class RunScheduler {
  private readonly waiting: Waiting[] = [];
  private readonly active = new Map<string, Promise<void>>();
  private readonly controller = new AbortController();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: RunSchedulerOptions) {}

  enqueue(items: readonly QueueItem[], maxParallel = 1): void {
    if (this.controller.signal.aborted) throw new Error('the run queue is shut down');
    for (const item of items) this.waiting.push({ item, maxParallel: Math.max(1, maxParallel) });
    this.pump();
  }

  /** The run waits in this queue or trains from it. */
  holds(runId: string): boolean {
    return this.active.has(runId) || this.waiting.some((w) => w.item.runId === runId);
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** Resolves once nothing waits or trains. */
  idle(): Promise<void> {
    if (this.waiting.length === 0 && this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.active.size < this.waiting[0]!.maxParallel && !this.controller.signal.aborted) {
      const { item, maxParallel } = this.waiting.shift()!;
      const done = this.train(item, maxParallel).finally(() => {
        this.active.delete(item.runId);
        this.pump();
        this.checkIdle();
      });
      this.active.set(item.runId, done);
    }
  }

  private async train(item: QueueItem, maxParallel: number): Promise<void> {
    try {
      await runQueue([item], {
        // A run of a batch that trains several at once gets its share of the cores.
        ...(maxParallel > 1 ? { cores: coresPerLane(maxParallel) } : {}),
        store: this.options.store(),
        home: this.options.home,
        signal: this.controller.signal,
        onEvent: this.options.onEvent,
        start: this.options.start,
      });
    } catch (err) {
      // E.g. the run was deleted while it waited: nothing to train.
      this.options.onError?.(`run ${item.runId}: ${errorMessage(err)}`);
    }
  }

  private checkIdle(): void {
    if (this.waiting.length > 0 || this.active.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const fn of waiters) fn();
  }

  /**
   * Stops: waiting runs stay `queued` in the store (`runs.resume` starts them later), training runs are
   * asked to stop at their next step (with a checkpoint, status `cancelled`). Waits for them up to
   * `timeoutMs`; a process still alive then is killed when this process exits (the run is marked interrupted).
   */
  async close(timeoutMs = 10_000): Promise<void> {
    this.waiting.length = 0;
    this.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.active.values()), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.checkIdle();
  }
}
