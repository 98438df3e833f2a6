import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiEvents, Method, Transport } from '../../src/shared/contract.ts';
import { ApiError } from '../../src/shared/api-error.ts';
import { startStdio } from './support/stdio-client.ts';
import { rendererTransport, startWeb } from './support/web-client.ts';
import { TEST_VERSION, eventfulApi } from './support/test-api.ts';

interface Harness {
  name: string;
  start(home: string): Promise<{ transport: Transport; close(): Promise<void> }>;
}

const HARNESSES: Harness[] = [
  {
    name: 'the stdio server (what Electron main relays to)',
    start: async (home) => startStdio(home, TEST_VERSION, eventfulApi(home)),
  },
  {
    name: 'the web-mode WebSocket server',
    start: async (home) => {
      const server = await startWeb(eventfulApi(home));
      const transport = rendererTransport(server);
      return {
        transport,
        async close() {
          transport.close();
          await server.close();
        },
      };
    },
  },
];

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(
    () => {
      throw new Error('the call was expected to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe.each(HARNESSES)('API contract over $name', (harness) => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'lsr-contract-'));
  let transport: Transport;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ transport, close } = await harness.start(home));
  });
  afterAll(async () => {
    await close();
  });

  it('answers a valid call with the handler result', async () => {
    const info = await transport.call('app.info', {});
    expect(info).toEqual({ version: TEST_VERSION, backend: info.backend, home, platform: `${os.platform()}-${os.arch()}` });
    expect(info.backend === null || typeof info.backend === 'string').toBe(true);
  });

  it('refuses invalid params with bad_request naming the field', async () => {
    const extra = await refusal(transport.call('app.info', { verbose: true } as never));
    expect({ code: extra.code, message: extra.message }).toEqual({ code: 'bad_request', message: 'app.info: params.verbose is not expected' });
    const notObject = await refusal(transport.call('app.info', [1, 2] as never));
    expect({ code: notObject.code, message: notObject.message }).toEqual({ code: 'bad_request', message: 'app.info: params must be an object' });
  });

  it('refuses an unknown method with not_found', async () => {
    for (const method of ['app.shutdown', '__proto__', 'constructor']) {
      const err = await refusal(transport.call(method as Method, {} as never));
      expect({ code: err.code, message: err.message }).toEqual({ code: 'not_found', message: `unknown method "${method}"` });
    }
  });

  it('delivers events', async () => {
    const seen: ApiEvents['app.log'][] = [];
    const off = transport.on('app.log', (payload) => seen.push(payload));
    await transport.call('app.info', {});
    await expect.poll(() => seen.length).toBe(1);
    off();
    expect(seen[0]).toEqual({ level: 'info', message: `app.info asked for ${home}` });
  });

  it('answers concurrent calls each by its own id', async () => {
    const calls = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? transport.call('app.info', {}) : refusal(transport.call('app.info', { i } as never))));
    const results = await Promise.all(calls);
    results.forEach((r, i) => {
      if (i % 2 === 0) expect(r).toMatchObject({ version: TEST_VERSION });
      else expect((r as ApiError).message).toBe('app.info: params.i is not expected');
    });
  });
});
