import type { Workspace } from './workspace.ts';

/** What the handlers of every domain share. */
export interface ApiContext {
  workspace: Workspace;
  /**
   * Says that this process just wrote to the store, so the watcher looks at once (its cheap check only
   * notices other processes' commits).
   */
  wrote(): void;
}
