import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWebSocketTransport, type SocketLike } from '../../../src/renderer/src/transport/ws-transport.ts';
import { ApiError } from '../../../src/shared/api-error.ts';

/** A socket the test drives by hand: it opens, receives and closes when told. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: { id: number; method: string; params: unknown }[] = [];
  onopen: ((ev: never) => void) | null = null;
  onclose: ((ev: never) => void) | null = null;
  onerror: ((ev: never) => void) | null = null;
  onmessage: ((ev: never) => void) | null = null;
  send(data: string): void {
    this.sent.push(JSON.parse(data) as FakeSocket['sent'][number]);
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    (this.onopen as ((ev: unknown) => void) | null)?.({});
  }
  receive(msg: unknown): void {
    (this.onmessage as ((ev: { data: unknown }) => void) | null)?.({ data: JSON.stringify(msg) });
  }
  drop(): void {
    this.readyState = 3;
    (this.onclose as ((ev: unknown) => void) | null)?.({});
  }
}

function setup(authorized?: () => Promise<boolean>) {
  const sockets: FakeSocket[] = [];
  const transport = createWebSocketTransport({
    openSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    authorized,
    initialDelayMs: 100,
    maxDelayMs: 400,
  });
  const states: string[] = [];
  transport.onState((s) => states.push(s));
  return { transport, sockets, states, last: () => sockets[sockets.length - 1] };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('WebSocket transport', () => {
  it('holds calls until the socket opens, then answers each by its id', async () => {
    const { transport, last } = setup();
    const a = transport.call('app.info', {});
    const b = transport.call('app.info', {});
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toEqual([
      { id: 1, method: 'app.info', params: {} },
      { id: 2, method: 'app.info', params: {} },
    ]);
    const info = { version: '1', backend: null, home: '/h', platform: 'p' };
    last().receive({ id: 2, ok: true, result: { ...info, version: '2' } });
    last().receive({ id: 1, ok: false, error: { code: 'bad_request', message: 'app.info: params.x is not expected' } });
    await expect(b).resolves.toEqual({ ...info, version: '2' });
    const err = await a.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'bad_request', message: 'app.info: params.x is not expected' });
  });

  it('delivers events to their listeners until unsubscribed', () => {
    const { transport, last } = setup();
    last().open();
    const seen: string[] = [];
    const off = transport.on('app.log', (p) => seen.push(`${p.level}:${p.message}`));
    last().receive({ event: 'app.log', payload: { level: 'warn', message: 'disk low' } });
    off();
    last().receive({ event: 'app.log', payload: { level: 'info', message: 'ignored' } });
    expect(seen).toEqual(['warn:disk low']);
  });

  it('rejects pending calls when the socket closes and reconnects with doubling, capped backoff', async () => {
    const { transport, sockets, states, last } = setup();
    last().open();
    const pending = transport.call('app.info', {});
    last().drop();
    await expect(pending).rejects.toMatchObject({ code: 'unavailable' });
    expect(transport.state()).toBe('reconnecting');

    // Attempts fail without opening: delays 100, 200, 400, 400 (capped).
    for (const delay of [100, 200, 400, 400]) {
      const before = sockets.length;
      vi.advanceTimersByTime(delay - 1);
      expect(sockets.length).toBe(before);
      vi.advanceTimersByTime(1);
      expect(sockets.length).toBe(before + 1);
      last().drop();
    }
    // A successful open resets the delay.
    vi.advanceTimersByTime(400);
    last().open();
    expect(transport.state()).toBe('open');
    last().drop();
    const before = sockets.length;
    vi.advanceTimersByTime(100);
    expect(sockets.length).toBe(before + 1);
    expect(states.slice(0, 2)).toEqual(['open', 'reconnecting']);
  });

  it('a call made while reconnecting waits for the next socket', async () => {
    const { transport, last } = setup();
    last().open();
    last().drop();
    const call = transport.call('app.info', {});
    vi.advanceTimersByTime(100);
    last().open();
    expect(last().sent).toEqual([{ id: 1, method: 'app.info', params: {} }]);
    last().receive({ id: 1, ok: true, result: { version: 'v' } });
    await expect(call).resolves.toEqual({ version: 'v' });
  });

  it('stops retrying when the server says the token is refused', async () => {
    let answer: (ok: boolean) => void = () => {};
    const authorized = vi.fn(() => new Promise<boolean>((resolve) => (answer = resolve)));
    const { transport, sockets, last } = setup(authorized);
    last().drop();
    expect(authorized).toHaveBeenCalledTimes(1);
    const during = transport.call('app.info', {});
    answer(false);
    await expect(during).rejects.toMatchObject({ code: 'unavailable', message: 'the access token was refused' });
    expect(transport.state()).toBe('unauthorized');
    vi.advanceTimersByTime(10_000);
    expect(sockets.length).toBe(1);
    await expect(transport.call('app.info', {})).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('close() rejects what is pending and never reconnects', async () => {
    const { transport, sockets } = setup();
    const call = transport.call('app.info', {});
    transport.close();
    await expect(call).rejects.toMatchObject({ code: 'unavailable' });
    vi.advanceTimersByTime(10_000);
    expect(sockets.length).toBe(1);
    expect(transport.state()).toBe('closed');
  });
});
