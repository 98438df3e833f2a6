import type { ApiEvents, EventName, Method, Params, Result, Transport } from '../../../shared/contract.ts';
import { ApiError } from '../../../shared/api-error.ts';
import { parseWireMessage, type WireRequest } from '../../../shared/wire.ts';
import type { Connection, ConnectionState } from './connection.ts';

/**
 * The part of the browser's WebSocket this transport uses (the `ws` package's client has it too). The
 * handlers take `never` so both classes' own event types fit; only a message's `data` is ever read.
 */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: never) => void) | null;
  onclose: ((ev: never) => void) | null;
  onerror: ((ev: never) => void) | null;
  onmessage: ((ev: never) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface WebSocketTransportOptions {
  /** Opens a socket to the server (the token goes in its URL). */
  openSocket: () => SocketLike;
  /** Asked after a connection attempt failed: false means the token was refused, so stop retrying. */
  authorized?: () => Promise<boolean>;
  /** Reconnect delays: `initialDelayMs` doubling up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface WebSocketTransport extends Transport, Connection {
  /** Stops reconnecting, closes the socket and rejects what is pending. */
  close(): void;
}

const OPEN = 1;

interface Pending {
  request: WireRequest;
  sent: boolean;
  resolve: (value: never) => void;
  reject: (err: ApiError) => void;
}

/**
 * The API over a WebSocket: requests carry ids and are answered by id; calls made while the socket is not
 * open wait for it; when a socket closes every pending call is rejected (`unavailable`) and the transport
 * reconnects with exponential backoff.
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const initialDelay = options.initialDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 5000;
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let socket: SocketLike | undefined;
  let nextId = 1;
  let delay = initialDelay;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const setState = (next: ConnectionState): void => {
    if (next === state) return;
    state = next;
    for (const fn of [...stateListeners]) fn(next);
  };

  const rejectAll = (message: string): void => {
    const all = [...pending.values()];
    pending.clear();
    for (const p of all) p.reject(new ApiError('unavailable', message));
  };

  const flush = (): void => {
    if (!socket || socket.readyState !== OPEN) return;
    for (const p of pending.values()) {
      if (p.sent) continue;
      p.sent = true;
      socket.send(JSON.stringify(p.request));
    }
  };

  const onMessage = (data: unknown): void => {
    if (typeof data !== 'string') return;
    const msg = parseWireMessage(data);
    if (!msg) return;
    if ('event' in msg) {
      for (const fn of [...(listeners.get(msg.event) ?? [])]) fn(msg.payload as never);
      return;
    }
    const entry = pending.get(msg.id);
    if (!entry) return;
    pending.delete(msg.id);
    if (msg.ok) entry.resolve(msg.result as never);
    else entry.reject(ApiError.from(msg.error));
  };

  const scheduleReconnect = (): void => {
    setState('reconnecting');
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect();
    }, delay);
    delay = Math.min(delay * 2, maxDelay);
  };

  const connect = (): void => {
    let opened = false;
    const current = options.openSocket();
    socket = current;
    current.onopen = () => {
      if (socket !== current) return;
      opened = true;
      delay = initialDelay;
      setState('open');
      flush();
    };
    current.onmessage = (ev: { data: unknown }) => {
      if (socket === current) onMessage(ev.data);
    };
    current.onerror = () => {};
    current.onclose = () => {
      if (socket !== current) return;
      socket = undefined;
      rejectAll(opened ? 'the connection to the workbench server closed' : 'cannot reach the workbench server');
      if (state === 'closed') return;
      if (!opened && options.authorized) {
        options.authorized().then(
          (ok) => {
            if (state === 'closed') return;
            if (ok) scheduleReconnect();
            else {
              setState('unauthorized');
              rejectAll('the access token was refused');
            }
          },
          () => scheduleReconnect(),
        );
      } else {
        scheduleReconnect();
      }
    };
  };

  connect();

  return {
    kind: 'web',
    state: () => state,
    onState(fn) {
      stateListeners.add(fn);
      return () => stateListeners.delete(fn);
    },
    call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
      if (state === 'closed' || state === 'unauthorized') {
        return Promise.reject(new ApiError('unavailable', state === 'closed' ? 'the connection was closed' : 'the access token was refused'));
      }
      const id = nextId++;
      return new Promise<Result<M>>((resolve, reject) => {
        pending.set(id, { request: { id, method, params }, sent: false, resolve: resolve as (v: never) => void, reject });
        flush();
      });
    },
    on<E extends EventName>(event: E, fn: (payload: ApiEvents[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const entry = fn as (payload: never) => void;
      set.add(entry);
      return () => set.delete(entry);
    },
    close() {
      setState('closed');
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      const current = socket;
      socket = undefined;
      current?.close(1000, 'closed by the workbench');
      rejectAll('the connection was closed');
    },
  };
}
