import { describe, expect, it } from 'vitest';
import { createElectronTransport } from '../../../src/renderer/src/transport/electron-transport.ts';
import { createFakeTransport } from '../support/fake-transport.ts';

describe('Electron transport', () => {
  it('passes calls and events through the preload bridge', async () => {
    const fake = createFakeTransport({ 'app.info': () => ({ version: '3', backend: 'wasm', home: '/h', platform: 'linux-x64' }) }, 'electron');
    const { transport, connection } = createElectronTransport(fake.transport);
    await expect(transport.call('app.info', {})).resolves.toMatchObject({ version: '3', backend: 'wasm' });
    const seen: string[] = [];
    transport.on('app.log', (p) => seen.push(p.message));
    fake.emit('app.log', { level: 'info', message: 'hello' });
    expect(seen).toEqual(['hello']);
    expect(connection.state()).toBe('open');
  });

  it("strips Electron's IPC wrapper from error messages", async () => {
    const bridge = createFakeTransport({
      'app.info': () => {
        throw new Error("Error invoking remote method 'lsr:call': Error: app.info: params.x is not expected");
      },
    });
    const { transport } = createElectronTransport(bridge.transport);
    await expect(transport.call('app.info', {})).rejects.toMatchObject({ name: 'ApiError', message: 'app.info: params.x is not expected' });
  });
});
