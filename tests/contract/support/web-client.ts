import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { ApiFactory } from '../../../src/core/api/create-api.ts';
import { startWebServer, type WebServer } from '../../../src/web/web-server.ts';
import { createWebSocketTransport, type WebSocketTransport } from '../../../src/renderer/src/transport/ws-transport.ts';

/** A stand-in for the built renderer: the contract suite tests the API, not the page. */
export function fakeRendererDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lsr-renderer-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>test page</title>\n');
  return dir;
}

export function socketUrl(server: WebServer, token: string | null = server.token): string {
  const base = `ws://127.0.0.1:${server.port}/api/ws`;
  return token === null ? base : `${base}?token=${encodeURIComponent(token)}`;
}

/** The renderer's own WebSocket transport, over the `ws` package's client instead of the browser's. */
export function rendererTransport(server: WebServer): WebSocketTransport {
  return createWebSocketTransport({ openSocket: () => new WebSocket(socketUrl(server)), initialDelayMs: 50, maxDelayMs: 200 });
}

export async function startWeb(makeApi: ApiFactory): Promise<WebServer> {
  return startWebServer({ host: '127.0.0.1', port: 0, rendererDir: fakeRendererDir(), makeApi });
}

/** The HTTP status a WebSocket handshake got: 101 when it opened, else the refusal's status. */
export function handshakeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('error', (err) => {
      if (ws.readyState !== WebSocket.CLOSED) reject(err);
    });
  });
}
