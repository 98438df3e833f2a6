import type { ApiEvents, EventName, Method, Params, Result } from '../../../src/shared/contract.ts';
import { ApiError } from '../../../src/shared/api-error.ts';
import { createApi, type Handlers } from '../../../src/core/api/create-api.ts';
import { CountedAudience } from '../../../src/core/api/audience.ts';
import { dispatch } from '../../../src/core/api/dispatch.ts';
import { Workspace } from '../../../src/core/api/workspace.ts';
import { Store } from '../../../src/core/store/store.ts';
import { tempHome } from '../../helpers/temp-home.ts';

export interface ApiHarness {
  home: string;
  /** The API's own store (the one its handlers use). */
  workspace: Workspace;
  handlers: Handlers;
  audience: CountedAudience;
  events: { event: EventName; payload: ApiEvents[EventName] }[];
  /** Through the single entry point, params checked, failures as ApiError like a transport gives them. */
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  /** A second connection to the same database, as a training process has. */
  other(): Store;
  close(): void;
}

export function apiHarness(options: { watchIntervalMs?: number } = {}): ApiHarness {
  const { home, cleanup } = tempHome();
  const workspace = new Workspace(home);
  const audience = new CountedAudience();
  const events: ApiHarness['events'] = [];
  const others: Store[] = [];
  const handlers = createApi({
    home,
    version: '0.0.0-test',
    emit: (event, payload) => events.push({ event, payload }),
    audience,
    workspace,
    watchIntervalMs: options.watchIntervalMs ?? 20,
  });
  return {
    home,
    workspace,
    handlers,
    audience,
    events,
    call: (method, params) => callApi(handlers, method, params),
    other() {
      const store = Store.open(home);
      others.push(store);
      return store;
    },
    close() {
      audience.set(0);
      for (const s of others) s.close();
      workspace.close();
      cleanup();
    },
  };
}

/** Through the single entry point, params checked; failures as ApiError, as a transport gives them. */
export async function callApi<M extends Method>(handlers: Handlers, method: M, params: Params<M>): Promise<Result<M>> {
  const outcome = await dispatch(handlers, method, params);
  if (!outcome.ok) throw ApiError.from(outcome.error);
  return outcome.result as Result<M>;
}

/** The error a call failed with, as { code, message }. */
export async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('the call was expected to fail');
}
