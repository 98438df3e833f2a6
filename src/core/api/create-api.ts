import type { ApiEvents, ApiMethods, EventName, Method, Params, Result } from '../../shared/contract.ts';
import type { ApiContext } from './api-context.ts';
import type { Audience } from './audience.ts';
import { appHandlers } from './handlers/app.ts';
import { compareHandlers } from './handlers/compare.ts';
import { demoHandlers } from './handlers/demo.ts';
import { datasetHandlers } from './handlers/datasets.ts';
import { runEditHandlers } from './handlers/run-edits.ts';
import { runsHandlers } from './handlers/runs.ts';
import { StoreWatcher } from './store-watcher.ts';
import { createEngineContext, type EngineOptions } from './engine-context.ts';
import { datasetImportHandlers } from './handlers/datasets-import.ts';
import { inspectHandlers } from './handlers/inspect.ts';
import { modelHandlers } from './handlers/models.ts';
import { runStartHandlers } from './handlers/runs-start.ts';
import { taskHandlers } from './handlers/tasks.ts';
import type { ApiLifecycle } from './lifecycle.ts';
import { Workspace } from './workspace.ts';

export interface ApiDeps {
  home: string;
  version: string;
  /** Pushes an event to every connected renderer. */
  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void;
  /** Who is connected: the store is watched for changes (→ events) only while someone is. None: never. */
  audience?: Audience;
  /** Tests give their own (e.g. one already open); default: the workspace of `home`, opened on first use. */
  workspace?: Workspace;
  /** Watcher period (ms); default 500. */
  watchIntervalMs?: number;
  /** The server's shutdown: training runs are cancelled cleanly and loaded models freed then. */
  lifecycle?: ApiLifecycle;
  /** Tests replace model loading, the model cache size or the training process. */
  engine?: Pick<EngineOptions, 'loadModel' | 'modelCacheSize' | 'startRun'>;
}

export type Handlers = { [M in Method]: (params: Params<M>) => Promise<Result<M>> | Result<M> };

/** Pushes an event to every connected renderer. */
export type Emit = ApiDeps['emit'];

/** What a server needs to build its handlers once it knows how to push events and who listens. */
export type ApiFactory = (emit: Emit, audience: Audience) => Handlers;

/**
 * The Node side of the contract: one handler per method, grouped by domain in ./handlers and merged
 * here. IPC and WebSocket both dispatch into this.
 */
export function createApi(deps: ApiDeps): Handlers {
  const workspace = deps.workspace ?? new Workspace(deps.home);
  const watcher = new StoreWatcher(workspace, { emit: deps.emit, intervalMs: deps.watchIntervalMs });
  if (deps.audience) {
    const follow = (count: number) => (count > 0 ? watcher.start() : watcher.stop());
    deps.audience.onChange(follow);
    follow(deps.audience.count());
  }
  const ctx: ApiContext = { workspace, wrote: () => watcher.poke() };
  const engine = createEngineContext({ home: deps.home, emit: deps.emit, workspace, lifecycle: deps.lifecycle, ...deps.engine });
  return {
    ...appHandlers(deps),
    ...runsHandlers(ctx),
    ...runEditHandlers(ctx),
    ...datasetHandlers(ctx),
    ...compareHandlers(ctx),
    ...modelHandlers(engine),
    ...inspectHandlers(engine),
    ...datasetImportHandlers(engine),
    ...runStartHandlers(ctx, engine),
    ...taskHandlers(engine),
    ...demoHandlers(ctx, engine),
  } satisfies { [M in keyof ApiMethods]: unknown };
}
