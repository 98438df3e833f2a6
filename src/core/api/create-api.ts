import os from 'node:os';
import type { ApiEvents, ApiMethods, EventName, Method, Params, Result } from '../../shared/contract.ts';
import { activeBackend } from '../tensor/backend.ts';

export interface ApiDeps {
  home: string;
  version: string;
  /** Pushes an event to every connected renderer. */
  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void;
}

export type Handlers = { [M in Method]: (params: Params<M>) => Promise<Result<M>> | Result<M> };

/** Pushes an event to every connected renderer. */
export type Emit = ApiDeps['emit'];

/** What a server needs to build its handlers once it knows how to push events (tests wrap createApi). */
export type ApiFactory = (emit: Emit) => Handlers;

/** The Node side of the contract: one handler per method. IPC and WebSocket both dispatch into this. */
export function createApi(deps: ApiDeps): Handlers {
  return {
    'app.info': () => ({
      version: deps.version,
      backend: activeBackend()?.name ?? null,
      home: deps.home,
      platform: `${os.platform()}-${os.arch()}`,
    }),
  } satisfies { [M in keyof ApiMethods]: unknown };
}
