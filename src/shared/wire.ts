import type { ApiErrorData, ApiEvents, EventName } from './contract.ts';

/**
 * The wire messages every transport carries, one JSON object each: the stdio server (one per line, what the
 * Electron main process relays to) and the web-mode WebSocket (one per frame) speak the same protocol.
 */
export type WireRequest = { id: number; method: string; params: unknown };
export type WireReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ApiErrorData };
export type WireEvent = { [E in EventName]: { event: E; payload: ApiEvents[E] } }[EventName];
export type WireMessage = WireReply | WireEvent;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A request's shape, or null when the text is not a request at all (then there is no id to answer to). */
export function parseWireRequest(text: string): WireRequest | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value) || typeof value.id !== 'number' || !Number.isSafeInteger(value.id)) return null;
  return { id: value.id, method: typeof value.method === 'string' ? value.method : String(value.method), params: value.params };
}

/** A reply or event from the server side, or null for anything else. */
export function parseWireMessage(text: string): WireMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value)) return null;
  if (typeof value.event === 'string') return value as WireEvent;
  if (typeof value.id !== 'number' || typeof value.ok !== 'boolean') return null;
  if (value.ok) return { id: value.id, ok: true, result: value.result };
  const error = isRecord(value.error) ? value.error : {};
  return {
    id: value.id,
    ok: false,
    error: {
      code: typeof error.code === 'string' ? (error.code as ApiErrorData['code']) : 'internal',
      message: typeof error.message === 'string' ? error.message : 'unknown error',
    },
  };
}

/** A call's outcome as the Electron preload hands it over: the reply without its id. */
export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: ApiErrorData };

/**
 * What the preload exposes as `window.lsr`. `call` resolves with the outcome instead of rejecting, because
 * an error crossing contextBridge keeps only its message and would lose its code.
 */
export interface ElectronBridge {
  call(method: string, params: unknown): Promise<CallOutcome>;
  on<E extends EventName>(event: E, fn: (payload: ApiEvents[E]) => void): () => void;
}
