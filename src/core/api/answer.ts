import { parseWireRequest, type WireReply } from '../../shared/wire.ts';
import { errorMessage } from '../errors.ts';
import type { Handlers } from './create-api.ts';
import { dispatch } from './dispatch.ts';

/**
 * Answers one wire request (a stdio line or a WebSocket frame) through the single entry `dispatch`.
 * Null when the text is not a request at all: there is no id to answer to.
 */
export async function answerWireRequest(handlers: Handlers, text: string): Promise<WireReply | null> {
  const req = parseWireRequest(text);
  if (!req) return null;
  const outcome = await dispatch(handlers, req.method, req.params);
  return outcome.ok ? { id: req.id, ok: true, result: outcome.result } : { id: req.id, ok: false, error: outcome.error };
}

/** The reply as JSON text; a result JSON cannot carry (a cycle, a BigInt) becomes an internal error. */
export function serializeReply(reply: WireReply): string {
  try {
    return JSON.stringify(reply);
  } catch (err) {
    return JSON.stringify({ id: reply.id, ok: false, error: { code: 'internal', message: `the result cannot be sent: ${errorMessage(err)}` } });
  }
}
