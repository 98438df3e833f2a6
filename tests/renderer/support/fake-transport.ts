import { createApp, type App } from 'vue';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import type { ApiEvents, EventName, Method, Params, Result, Transport } from '../../../src/shared/contract.ts';
import { ApiError } from '../../../src/shared/api-error.ts';
import type { Connection, ConnectionKind, ConnectionState } from '../../../src/renderer/src/transport/connection.ts';
import { provideTransport } from '../../../src/renderer/src/transport/inject.ts';

export type FakeHandlers = { [M in Method]?: (params: Params<M>) => Result<M> | Promise<Result<M>> };

export interface FakeTransport {
  transport: Transport;
  connection: Connection;
  /** Every call made, in order. */
  calls: { method: Method; params: unknown }[];
  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void;
  setState(state: ConnectionState): void;
}

/** A Transport answered by plain functions, for store and component tests; unknown methods reject like the server. */
export function createFakeTransport(handlers: FakeHandlers, kind: ConnectionKind = 'web'): FakeTransport {
  const calls: FakeTransport['calls'] = [];
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  let state: ConnectionState = 'open';
  const transport: Transport = {
    async call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
      calls.push({ method, params });
      const handler = handlers[method] as ((p: Params<M>) => Result<M> | Promise<Result<M>>) | undefined;
      if (!handler) throw new ApiError('not_found', `unknown method "${method}"`);
      return handler(params);
    },
    on(event, fn) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const entry = fn as (payload: never) => void;
      set.add(entry);
      return () => set.delete(entry);
    },
  };
  const connection: Connection = {
    kind,
    state: () => state,
    onState(fn) {
      stateListeners.add(fn);
      return () => stateListeners.delete(fn);
    },
  };
  return {
    transport,
    connection,
    calls,
    emit(event, payload) {
      for (const fn of listeners.get(event) ?? []) fn(payload as never);
    },
    setState(next) {
      state = next;
      for (const fn of stateListeners) fn(next);
    },
  };
}

/** An app with the fake transport provided and Pinia installed and active, as main.ts sets them up. */
export function installFake(fake: FakeTransport, app: App = createApp({ render: () => null })): { app: App; pinia: Pinia } {
  provideTransport(app, fake.transport, fake.connection);
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
  return { app, pinia };
}
