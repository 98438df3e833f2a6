import type { Transport } from '../../../shared/contract.ts';
import { ApiError } from '../../../shared/api-error.ts';
import type { Connection } from './connection.ts';

// Electron wraps a rejected ipcRenderer.invoke as "Error invoking remote method 'lsr:call': Error: <message>".
const IPC_PREFIX = /^Error invoking remote method '[^']*': (?:Error: )?/;

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError('internal', message.replace(IPC_PREFIX, ''));
}

/**
 * The Electron transport: the two functions the preload exposes as `window.lsr`. The IPC channel is
 * always there, so the connection is always open.
 */
export function createElectronTransport(bridge: Transport): { transport: Transport; connection: Connection } {
  const transport: Transport = {
    async call(method, params) {
      try {
        return await bridge.call(method, params);
      } catch (err) {
        throw toApiError(err);
      }
    },
    on: (event, fn) => bridge.on(event, fn),
  };
  const connection: Connection = { kind: 'electron', state: () => 'open', onState: () => () => {} };
  return { transport, connection };
}
