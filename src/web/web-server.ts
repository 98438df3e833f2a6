import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WireMessage } from '../shared/wire.ts';
import { errorMessage } from '../core/errors.ts';
import type { ApiFactory } from '../core/api/create-api.ts';
import { createAccessToken, tokenFromRequest, tokenMatches } from './access-token.ts';
import { handleHttpApi, sendJson } from './http-api.ts';
import { allowedHosts, hostAllowed, hostPort, originAllowed } from './request-guard.ts';
import { setSecurityHeaders } from './security-headers.ts';
import { SocketApi } from './socket-api.ts';
import { assertRendererBuilt, serveStatic } from './static-files.ts';

/** Where `npx electron-vite build` / `npm run build:renderer` put the renderer. */
export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

export interface WebServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  rendererDir: string;
  makeApi: ApiFactory;
  /** Given only by tests; otherwise a fresh random one. */
  token?: string;
}

export interface WebServer {
  /** The URL to open: the token rides in the fragment, which browsers never send to a server or in Referer. */
  url: string;
  host: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const WS_PATH = '/api/ws';

function refuseUpgrade(socket: Duplex, status: 401 | 403 | 404, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
}

/** The address to put in the printed URL: a wildcard bind is reached through loopback from this machine. */
function urlHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

/**
 * Web mode: the built renderer over HTTP and the API over a WebSocket (plus `POST /api/call` for
 * scripts). Every API request and socket must carry the access token; sockets must also come from this
 * origin, and while bound to loopback only loopback Host names are served.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  assertRendererBuilt(options.rendererDir);
  const root = path.resolve(options.rendererDir);
  const token = options.token ?? createAccessToken();
  const sockets = new SocketApi();
  const handlers = options.makeApi((event, payload) => sockets.broadcast({ event, payload } as WireMessage), sockets.audience);
  sockets.setHandlers(handlers);
  let hosts: Set<string> | null = null;

  const parse = (req: IncomingMessage): URL => new URL(req.url ?? '/', 'http://localhost');

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    setSecurityHeaders(res);
    const url = parse(req);
    if (!hostAllowed(req, hosts)) return sendJson(res, 403, { ok: false, error: { code: 'forbidden', message: 'unexpected Host header' } });
    if (!url.pathname.startsWith('/api/')) return serveStatic(root, req, res, url);
    if (!originAllowed(req)) return sendJson(res, 403, { ok: false, error: { code: 'forbidden', message: 'cross-origin request refused' } });
    if (!tokenMatches(token, tokenFromRequest(req, url))) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="lsr"');
      return sendJson(res, 401, { ok: false, error: { code: 'unauthorized', message: 'missing or wrong access token' } });
    }
    handleHttpApi(handlers, req, res, url).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: errorMessage(err) } });
      else res.destroy();
    });
  };

  const server = http.createServer(onRequest);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = parse(req);
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!hostAllowed(req, hosts) || !originAllowed(req)) return refuseUpgrade(socket, 403, 'Forbidden');
    if (!tokenMatches(token, tokenFromRequest(req, url))) return refuseUpgrade(socket, 401, 'Unauthorized');
    sockets.wss.handleUpgrade(req, socket, head, (ws) => sockets.wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(options.host, port);

  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostPort(urlHost(options.host), port)}/#token=${token}`,
    host: options.host,
    port,
    token,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await sockets.close();
        // Keep-alive connections close as soon as their response is done; after 2 s, whatever is left.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 2000);
        await stopped;
        clearInterval(sweep);
        clearTimeout(force);
      })();
      return closing;
    },
  };
}

