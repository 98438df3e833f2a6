import { expect } from 'vitest';
import type { ApiFactory } from '../../../src/core/api/create-api.ts';
import type { Transport } from '../../../src/shared/contract.ts';
import { ApiError } from '../../../src/shared/api-error.ts';
import { startStdio } from './stdio-client.ts';
import { TEST_VERSION } from './test-api.ts';
import { rendererTransport, startWeb } from './web-client.ts';

export interface TransportHarness {
  name: string;
  start(home: string, makeApi: ApiFactory): Promise<{ transport: Transport; close(): Promise<void> }>;
}

/** Every transport the contract suites run over: the stdio server Electron relays to, and web mode. */
export const TRANSPORTS: TransportHarness[] = [
  {
    name: 'the stdio server (what Electron main relays to)',
    start: async (home, makeApi) => startStdio(home, TEST_VERSION, makeApi),
  },
  {
    name: 'the web-mode WebSocket server',
    start: async (_home, makeApi) => {
      const server = await startWeb(makeApi);
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

/** The ApiError a call was refused with (the call must fail). */
export async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(
    () => {
      throw new Error('the call was expected to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}
