import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import WebSocket from 'ws';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WebServer } from '../../src/web/web-server.ts';
import { createApi } from '../../src/core/api/create-api.ts';
import { eventfulApi, TEST_VERSION } from './support/test-api.ts';
import { handshakeStatus, rendererTransport, socketUrl, startWeb } from './support/web-client.ts';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(server: WebServer, pathName: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathName, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const CALL = JSON.stringify({ method: 'app.info', params: {} });
const JSON_HEADERS = { 'Content-Type': 'application/json' };

describe('web mode access control', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'lsr-web-'));
  let server: WebServer;

  beforeAll(async () => {
    server = await startWeb(eventfulApi(home));
  });
  afterAll(async () => {
    await server.close();
  });

  it('prints a loopback URL carrying the token in its fragment', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses HTTP API calls without the right token (401) and answers with it', async () => {
    const none = await request(server, '/api/call', { method: 'POST', headers: JSON_HEADERS, body: CALL });
    expect(none.status).toBe(401);
    expect(none.body).not.toContain(home);
    const wrong = await request(server, '/api/call', { method: 'POST', headers: { ...JSON_HEADERS, Authorization: `Bearer ${server.token}x` }, body: CALL });
    expect(wrong.status).toBe(401);
    const session = await request(server, '/api/session');
    expect(session.status).toBe(401);
    const ok = await request(server, '/api/call', { method: 'POST', headers: { ...JSON_HEADERS, Authorization: `Bearer ${server.token}` }, body: CALL });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, result: { version: TEST_VERSION, home } });
  });

  it('maps API errors to HTTP statuses', async () => {
    const auth = { ...JSON_HEADERS, Authorization: `Bearer ${server.token}` };
    const bad = await request(server, '/api/call', { method: 'POST', headers: auth, body: JSON.stringify({ method: 'app.info', params: { x: 1 } }) });
    expect([bad.status, JSON.parse(bad.body)]).toEqual([400, { ok: false, error: { code: 'bad_request', message: 'app.info: params.x is not expected' } }]);
    const unknown = await request(server, '/api/call', { method: 'POST', headers: auth, body: JSON.stringify({ method: 'nope' }) });
    expect(unknown.status).toBe(404);
    const notJson = await request(server, '/api/call', { method: 'POST', headers: { Authorization: auth.Authorization, 'Content-Type': 'text/plain' }, body: CALL });
    expect(notJson.status).toBe(415);
  });

  it('refuses sockets without the right token (401) or from another origin (403)', async () => {
    expect(await handshakeStatus(socketUrl(server, null))).toBe(401);
    expect(await handshakeStatus(socketUrl(server, 'not-the-token'))).toBe(401);
    expect(await handshakeStatus(socketUrl(server), { Origin: 'http://evil.example' })).toBe(403);
    expect(await handshakeStatus(socketUrl(server), { Origin: `http://localhost:${server.port + 1}` })).toBe(403);
    expect(await handshakeStatus(socketUrl(server), { Origin: `http://127.0.0.1:${server.port}` })).toBe(101);
    expect(await handshakeStatus(socketUrl(server))).toBe(101);
  });

  it('refuses Host names other than loopback (DNS rebinding) for pages, API and sockets', async () => {
    const host = { Host: `evil.example:${server.port}` };
    expect((await request(server, '/', { headers: host })).status).toBe(403);
    expect((await request(server, '/api/session', { headers: { ...host, Authorization: `Bearer ${server.token}` } })).status).toBe(403);
    expect(await handshakeStatus(socketUrl(server), { ...host, Origin: `http://evil.example:${server.port}` })).toBe(403);
    expect((await request(server, '/', { headers: { Host: `localhost:${server.port}` } })).status).toBe(200);
  });

  it('serves the page without a token, with a strict policy, and nothing outside the renderer folder', async () => {
    const page = await request(server, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>test page</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    for (const escape of ['/../package.json', '/..%2f..%2fpackage.json', '/%2e%2e/package.json', '/index.html%00']) {
      const res = await request(server, escape);
      expect([escape, res.status]).toEqual([escape, 404]);
    }
  });

  it('closes a socket that sends something other than a request (1007)', async () => {
    const ws = new WebSocket(socketUrl(server));
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('this is not JSON');
    expect(await closed).toBe(1007);
  });

  it('pushes events to every open socket', async () => {
    const a = rendererTransport(server);
    const b = rendererTransport(server);
    try {
      const seenA: string[] = [];
      const seenB: string[] = [];
      a.on('app.log', (p) => seenA.push(p.message));
      b.on('app.log', (p) => seenB.push(p.message));
      await b.call('app.info', {});
      await a.call('app.info', {});
      await expect.poll(() => [seenA.length, seenB.length]).toEqual([2, 2]);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('web mode shutdown', () => {
  it('rejects calls still pending when the server goes away, then keeps trying to reconnect', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'lsr-web-'));
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = await startWeb((emit) => {
      const api = createApi({ home, version: TEST_VERSION, emit });
      return { ...api, 'app.info': async (p) => (await held, api['app.info'](p)) };
    });
    const transport = rendererTransport(server);
    const pending = transport.call('app.info', {});
    await expect.poll(() => transport.state()).toBe('open');
    const closing = server.close();
    await expect(pending).rejects.toMatchObject({ name: 'ApiError', code: 'unavailable' });
    release();
    await closing;
    await expect.poll(() => transport.state()).toBe('reconnecting');
    transport.close();
  });
});
