import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiErrorCode } from '../shared/contract.ts';
import type { Handlers } from '../core/api/create-api.ts';
import { dispatch } from '../core/api/dispatch.ts';

const MAX_BODY_BYTES = 1 << 20;

const STATUS_BY_CODE: Record<ApiErrorCode, number> = {
  bad_request: 400,
  not_found: 404,
  conflict: 409,
  cancelled: 409,
  internal: 500,
  unavailable: 503,
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(text);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * `POST /api/call` with `{"method", "params"}` answers like the socket does (`{"ok", "result" | "error"}`),
 * for scripts; `GET /api/session` tells the renderer whether its token is still good. Called only after the
 * token was checked.
 */
export async function handleHttpApi(handlers: Handlers, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (url.pathname === '/api/session') {
    if (req.method !== 'GET') return void res.writeHead(405, { Allow: 'GET' }).end();
    return sendJson(res, 200, { ok: true });
  }
  if (url.pathname !== '/api/call') return sendJson(res, 404, { ok: false, error: { code: 'not_found', message: `no such endpoint ${url.pathname}` } });
  if (req.method !== 'POST') return void res.writeHead(405, { Allow: 'POST' }).end();
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return sendJson(res, 415, { ok: false, error: { code: 'bad_request', message: 'Content-Type must be application/json' } });
  }
  const text = await readBody(req);
  if (text === null) return sendJson(res, 413, { ok: false, error: { code: 'bad_request', message: `body larger than ${MAX_BODY_BYTES} bytes` } });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return sendJson(res, 400, { ok: false, error: { code: 'bad_request', message: 'body is not valid JSON' } });
  }
  const { method, params } = typeof body === 'object' && body !== null ? (body as { method?: unknown; params?: unknown }) : {};
  const outcome = await dispatch(handlers, method, params);
  if (outcome.ok) return sendJson(res, 200, { ok: true, result: outcome.result });
  sendJson(res, STATUS_BY_CODE[outcome.error.code], { ok: false, error: outcome.error });
}
