import type { ApiErrorData, Method } from '../../shared/contract.ts';
import { validateParams } from '../../shared/validate.ts';
import { CancelledError, InputError, errorMessage } from '../errors.ts';
import { ApiFailure } from './api-failure.ts';
import type { Handlers } from './create-api.ts';

export type DispatchOutcome = { ok: true; result: unknown } | { ok: false; error: ApiErrorData };

/** The single entry point for untrusted input (IPC, WebSocket, stdio): check, then call the handler. */
export async function dispatch(handlers: Handlers, method: unknown, params: unknown): Promise<DispatchOutcome> {
  if (typeof method !== 'string' || !Object.prototype.hasOwnProperty.call(handlers, method)) {
    return { ok: false, error: { code: 'not_found', message: `unknown method ${JSON.stringify(method)}` } };
  }
  const problem = validateParams(method as Method, params);
  if (problem) return { ok: false, error: { code: 'bad_request', message: `${method}: ${problem}` } };
  try {
    const handler = handlers[method as Method] as (p: unknown) => unknown;
    return { ok: true, result: await handler(params) };
  } catch (err) {
    if (err instanceof ApiFailure) return { ok: false, error: { code: err.code, message: err.message } };
    if (err instanceof InputError) return { ok: false, error: { code: 'bad_request', message: err.message } };
    if (err instanceof CancelledError) return { ok: false, error: { code: 'cancelled', message: err.message } };
    return { ok: false, error: { code: 'internal', message: errorMessage(err) } };
  }
}
