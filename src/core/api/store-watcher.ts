import type { ApiEvents } from '../../shared/contract.ts';
import { errorMessage } from '../errors.ts';
import type { RunState } from '../store/runs.ts';
import type { Workspace } from './workspace.ts';

export interface StoreWatcherOptions {
  /** How often to look (ms). Default 500. */
  intervalMs?: number;
  /** How often to check that running runs' processes are alive, while some run (ms). Default 10 000. */
  livenessEveryMs?: number;
  emit<E extends 'runs.changed' | 'runs.metrics'>(event: E, payload: ApiEvents[E]): void;
  /** Problems reading the store (it may be locked for a while); default: ignored, tried again next tick. */
  onError?: (err: unknown) => void;
  now?: () => number;
}

interface Known {
  signature: string;
  lastStep: number | null;
  running: boolean;
}

const known = (s: RunState): Known => ({
  signature: JSON.stringify([s.status, s.reason, s.name, s.tags, s.notes, s.cancelRequestedAt !== null]),
  lastStep: s.lastStep,
  running: s.status === 'running',
});

/**
 * Turns what training processes write to the store into events, cheaply: each tick asks SQLite whether
 * any other connection committed since (`data_version`); only then it reads the runs' mutable fields (one
 * scan, no configs) and compares them with the last look. Status and metadata changes become
 * `runs.changed`, a moved last step `runs.metrics`.
 */
export class StoreWatcher {
  private timer: NodeJS.Timeout | undefined;
  private version: number | undefined;
  private known = new Map<string, Known>();
  private lastLiveness = 0;

  constructor(
    private readonly workspace: Workspace,
    private readonly options: StoreWatcherOptions,
  ) {
    // What the first call that opens the store reads is the baseline; later commits are news.
    workspace.onOpen(() => {
      if (this.timer) this.safely(() => this.baseline());
    });
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Takes the current state as the baseline (no events for what happened before) and starts looking. */
  start(): void {
    if (this.timer) return;
    this.version = undefined;
    this.known.clear();
    this.lastLiveness = this.now();
    this.safely(() => this.baseline());
    this.timer = setInterval(() => this.tick(), this.options.intervalMs ?? 500);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Looks now, even if no other connection committed (this process just wrote). */
  poke(): void {
    if (this.timer) this.safely(() => this.check(true));
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private tick(): void {
    this.safely(() => {
      this.check(false);
      this.checkLiveness();
    });
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.report(err);
    }
  }

  private report(err: unknown): void {
    if (this.options.onError) this.options.onError(err);
    else if (process.env.LSR_DEBUG) process.stderr.write(`store watcher: ${errorMessage(err)}\n`);
  }

  private baseline(): void {
    if (!this.workspace.isOpen) return;
    const store = this.workspace.store;
    this.version = store.dataVersion();
    for (const s of store.runs.states()) this.known.set(s.id, known(s));
  }

  private check(force: boolean): void {
    // Watching never opens the store: the first call that needs it does.
    if (!this.workspace.isOpen) return;
    const store = this.workspace.store;
    const version = store.dataVersion();
    if (!force && version === this.version && this.version !== undefined) return;
    const firstLook = this.version === undefined;
    this.version = version;
    const next = new Map<string, Known>();
    const changed: string[] = [];
    const moved: { runId: string; step: number }[] = [];
    for (const s of store.runs.states()) {
      const now = known(s);
      next.set(s.id, now);
      const before = this.known.get(s.id);
      if (!before || before.signature !== now.signature) changed.push(s.id);
      if (now.lastStep !== null && now.lastStep !== before?.lastStep) moved.push({ runId: s.id, step: now.lastStep });
    }
    const removed = [...this.known.keys()].filter((id) => !next.has(id));
    this.known = next;
    if (firstLook) return;
    if (changed.length > 0 || removed.length > 0) this.options.emit('runs.changed', { runIds: changed.sort(), removed: removed.sort() });
    for (const m of moved) this.options.emit('runs.metrics', m);
  }

  /** A training process that died leaves its run `running`; mark it interrupted so every view says so. */
  private checkLiveness(): void {
    if (!this.workspace.isOpen) return;
    const now = this.now();
    if (now - this.lastLiveness < (this.options.livenessEveryMs ?? 10_000)) return;
    this.lastLiveness = now;
    const anyRunning = [...this.known.values()].some((k) => k.running);
    if (!anyRunning) return;
    if (this.workspace.store.markInterruptedRuns().length > 0) this.check(true);
  }
}
