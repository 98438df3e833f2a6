import { describe, expect, it } from 'vitest';
import type { ApiEvents, EventName } from '../../../src/shared/contract.ts';
import type { CallOutcome, ElectronBridge } from '../../../src/shared/wire.ts';
import { createElectronTransport } from '../../../src/renderer/src/transport/electron-transport.ts';

/** A stand-in for the preload's `window.lsr`: resolves with outcomes, as main relays them. */
function fakeBridge(answer: (method: string, params: unknown) => CallOutcome | Promise<CallOutcome>) {
  const listeners = new Map<string, ((p: unknown) => void)[]>();
  const bridge: ElectronBridge = {
    call: async (method, params) => answer(method, params),
    on<E extends EventName>(event: E, fn: (payload: ApiEvents[E]) => void) {
      const list = listeners.get(event) ?? [];
      list.push(fn as (p: unknown) => void);
      listeners.set(event, list);
      return () => undefined;
    },
  };
  const emit = (event: EventName, payload: unknown): void => listeners.get(event)?.forEach((fn) => fn(payload));
  return { bridge, emit };
}

describe('Electron transport', () => {
  it('passes calls and events through the preload bridge', async () => {
    const fake = fakeBridge(() => ({ ok: true, result: { version: '3', backend: 'wasm', home: '/h', platform: 'linux-x64' } }));
    const { transport, connection } = createElectronTransport(fake.bridge);
    await expect(transport.call('app.info', {})).resolves.toMatchObject({ version: '3', backend: 'wasm' });
    const seen: string[] = [];
    transport.on('app.log', (p) => seen.push(p.message));
    fake.emit('app.log', { level: 'info', message: 'hello' });
    expect(seen).toEqual(['hello']);
    expect(connection.state()).toBe('open');
  });

  it('keeps the error code that main relays', async () => {
    const fake = fakeBridge(() => ({ ok: false, error: { code: 'bad_request', message: 'app.info: params.x is not expected' } }));
    const { transport } = createElectronTransport(fake.bridge);
    await expect(transport.call('app.info', {})).rejects.toMatchObject({ name: 'ApiError', code: 'bad_request', message: 'app.info: params.x is not expected' });
  });

  it('reports a broken IPC channel as unavailable', async () => {
    const fake = fakeBridge(() => Promise.reject(new Error('channel closed')));
    const { transport } = createElectronTransport(fake.bridge);
    await expect(transport.call('app.info', {})).rejects.toMatchObject({ code: 'unavailable' });
  });
});
