import { describe, expect, it } from 'vitest';
import { useAppStore } from '../../../src/renderer/src/stores/app-store.ts';
import { useConnectionStore } from '../../../src/renderer/src/stores/connection-store.ts';
import { ApiError } from '../../../src/shared/api-error.ts';
import { createFakeTransport, installFake } from '../support/fake-transport.ts';

const INFO = { version: '0.1.0', backend: null, home: '/tmp/ws', platform: 'linux-x64' };

describe('app store', () => {
  it('loads app.info through the injected transport', async () => {
    const fake = createFakeTransport({ 'app.info': () => INFO });
    installFake(fake);
    const store = useAppStore();
    await store.refresh();
    expect(store.info).toEqual(INFO);
    expect(store.error).toBeNull();
    expect(fake.calls).toEqual([{ method: 'app.info', params: {} }]);
  });

  it('keeps the error message when the call fails', async () => {
    const fake = createFakeTransport({
      'app.info': () => {
        throw new ApiError('unavailable', 'cannot reach the workbench server');
      },
    });
    installFake(fake);
    const store = useAppStore();
    await store.refresh();
    expect(store.info).toBeNull();
    expect(store.error).toBe('cannot reach the workbench server');
    expect(store.loading).toBe(false);
  });

  it('collects app.log events', () => {
    const fake = createFakeTransport({});
    installFake(fake);
    const store = useAppStore();
    fake.emit('app.log', { level: 'warn', message: 'one' });
    fake.emit('app.log', { level: 'error', message: 'two' });
    expect(store.log.map((e) => [e.id, e.level, e.message])).toEqual([
      [1, 'warn', 'one'],
      [2, 'error', 'two'],
    ]);
  });
});

describe('connection store', () => {
  it('follows the connection state', () => {
    const fake = createFakeTransport({});
    installFake(fake);
    const store = useConnectionStore();
    expect([store.kind, store.state]).toEqual(['web', 'open']);
    fake.setState('reconnecting');
    expect(store.state).toBe('reconnecting');
  });
});
