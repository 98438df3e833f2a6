import type { RunRecord } from '../store/runs.ts';
import { openWorkspaceStore, type Store } from '../store/store.ts';
import { notFound } from './api-failure.ts';

/**
 * The API's one Store of its workspace, opened on first use (so `app.info` works even where the database
 * cannot be opened, and the error reaches the call that needed it, which may retry).
 */
export class Workspace {
  private opened: Store | undefined;
  private readonly openListeners = new Set<(store: Store) => void>();

  constructor(
    readonly home: string,
    private readonly open: (home: string) => Store = openWorkspaceStore,
  ) {}

  get store(): Store {
    if (!this.opened) {
      const store = this.open(this.home);
      this.opened = store;
      for (const fn of [...this.openListeners]) fn(store);
    }
    return this.opened;
  }

  /** Called when the store gets opened. */
  onOpen(fn: (store: Store) => void): () => void {
    this.openListeners.add(fn);
    return () => this.openListeners.delete(fn);
  }

  get isOpen(): boolean {
    return this.opened !== undefined;
  }

  /** The run with this id, or a `not_found` failure. */
  run(runId: string): RunRecord {
    const run = this.store.runs.get(runId);
    if (!run) throw notFound(`unknown run "${runId}"`);
    return run;
  }

  close(): void {
    this.opened?.close();
    this.opened = undefined;
  }
}
