import type { ApiEvents, EventName, Method, Params, Result } from '../../../src/shared/contract.ts';
import { CountedAudience } from '../../../src/core/api/audience.ts';
import { createApi, type ApiDeps } from '../../../src/core/api/create-api.ts';
import { ApiLifecycle } from '../../../src/core/api/lifecycle.ts';
import { Workspace } from '../../../src/core/api/workspace.ts';
import { tempHome } from '../../helpers/temp-home.ts';
import { waitFor as waitUntil } from '../../helpers/wait-for.ts';
import { callApi } from './api-harness.ts';

export interface EngineHarness {
  home: string;
  workspace: Workspace;
  lifecycle: ApiLifecycle;
  events: { event: EventName; payload: ApiEvents[EventName] }[];
  /** Through the single entry point; failures as ApiError, as a transport gives them. */
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  /** The events of one name, in order. */
  eventsOf<E extends EventName>(event: E): ApiEvents[E][];
  /** Shuts the API down as a server does, then removes the workspace. */
  close(): Promise<void>;
}

/** The real API on a fresh workspace with one listener, its shutdown under the test's control. */
export function engineHarness(engine: ApiDeps['engine'] = {}, home?: string): EngineHarness {
  const temp = home === undefined ? tempHome() : { home, cleanup: () => {} };
  const workspace = new Workspace(temp.home);
  const audience = new CountedAudience();
  const lifecycle = new ApiLifecycle();
  const events: EngineHarness['events'] = [];
  const handlers = createApi({
    home: temp.home,
    version: '0.0.0-test',
    emit: (event, payload) => events.push({ event, payload }),
    audience,
    workspace,
    watchIntervalMs: 50,
    lifecycle,
    engine,
  });
  audience.set(1);
  return {
    home: temp.home,
    workspace,
    lifecycle,
    events,
    call: (method, params) => callApi(handlers, method, params),
    eventsOf: (event) => events.filter((e) => e.event === event).map((e) => e.payload) as never,
    async close() {
      await lifecycle.close();
      audience.set(0);
      workspace.close();
      temp.cleanup();
    },
  };
}

/** waitFor with room for a real (tiny) training run. */
export const waitFor = (what: string, ok: () => boolean, timeoutMs = 120_000): Promise<void> => waitUntil(what, ok, timeoutMs);
