/**
 * The one API contract between the renderer and the Node side. Every method the renderer may call is
 * declared here once, with its params and result; the Electron IPC channel and the web-mode WebSocket both
 * dispatch over it. This file imports nothing.
 */

export interface AppInfo {
  version: string;
  backend: string | null;
  home: string;
  platform: string;
}

export interface ApiMethods {
  'app.info': { params: Record<string, never>; result: AppInfo };
}

export type Method = keyof ApiMethods;
export type Params<M extends Method> = ApiMethods[M]['params'];
export type Result<M extends Method> = ApiMethods[M]['result'];

/** Events pushed from the Node side to every connected renderer. */
export interface ApiEvents {
  'app.log': { level: 'info' | 'warn' | 'error'; message: string };
}
export type EventName = keyof ApiEvents;

/** The renderer's whole window onto the Node side (exposed by the preload, or built over a WebSocket). */
export interface Transport {
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, fn: (payload: ApiEvents[E]) => void): () => void;
}

/**
 * Errors cross the boundary as plain data. `unavailable` comes from a transport, never a handler: the call
 * could not reach the Node side, or the connection closed before the answer came.
 */
export type ApiErrorCode = 'bad_request' | 'not_found' | 'conflict' | 'internal' | 'cancelled' | 'unavailable';
export interface ApiErrorData {
  code: ApiErrorCode;
  message: string;
}
