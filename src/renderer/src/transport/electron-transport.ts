import type { Method, Params, Result, Transport } from '../../../shared/contract.ts';
import { ApiError } from '../../../shared/api-error.ts';
import type { ElectronBridge } from '../../../shared/wire.ts';
import type { Connection } from './connection.ts';

/**
 * The Electron transport over the two functions the preload exposes as `window.lsr`. The bridge resolves
 * with `{ok, result | error}` so error codes survive the IPC hop. The channel is always there, so the
 * connection is always open.
 */
export function createElectronTransport(bridge: ElectronBridge): { transport: Transport; connection: Connection } {
  const transport: Transport = {
    async call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
      let outcome;
      try {
        outcome = await bridge.call(method, params);
      } catch (err) {
        throw new ApiError('unavailable', err instanceof Error ? err.message : String(err));
      }
      if (!outcome.ok) throw ApiError.from(outcome.error);
      return outcome.result as Result<M>;
    },
    on: (event, fn) => bridge.on(event, fn),
  };
  const connection: Connection = { kind: 'electron', state: () => 'open', onState: () => () => {} };
  return { transport, connection };
}
