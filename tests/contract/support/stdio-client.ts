import { PassThrough } from 'node:stream';
import readline from 'node:readline';
import type { ApiEvents, EventName, Method, Params, Result, Transport } from '../../../src/shared/contract.ts';
import { ApiError } from '../../../src/shared/api-error.ts';
import { parseWireMessage } from '../../../src/shared/wire.ts';
import type { ApiFactory } from '../../../src/core/api/create-api.ts';
import { serveStdio } from '../../../src/core/api/stdio-server.ts';

/**
 * A client of the stdio server doing what Electron's main process does (one JSON line per request,
 * replies matched by id, events fanned out), exposed as a Transport.
 */
export function stdioTransport(input: NodeJS.WritableStream, output: NodeJS.ReadableStream): Transport {
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: never) => void; reject: (e: ApiError) => void }>();
  const listeners = new Map<string, Set<(payload: never) => void>>();
  readline.createInterface({ input: output }).on('line', (line) => {
    const msg = parseWireMessage(line);
    if (!msg) return;
    if ('event' in msg) {
      for (const fn of listeners.get(msg.event) ?? []) fn(msg.payload as never);
      return;
    }
    const entry = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.ok) entry?.resolve(msg.result as never);
    else entry?.reject(ApiError.from(msg.error));
  });
  return {
    call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
      const id = nextId++;
      return new Promise<Result<M>>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: never) => void, reject });
        input.write(JSON.stringify({ id, method, params }) + '\n');
      });
    },
    on<E extends EventName>(event: E, fn: (payload: ApiEvents[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const entry = fn as (payload: never) => void;
      set.add(entry);
      return () => set.delete(entry);
    },
  };
}

/** The stdio server in this process over a pair of pipes. */
export function startStdio(home: string, version: string, makeApi: ApiFactory): { transport: Transport; close(): Promise<void> } {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  const done = serveStdio(home, version, toServer, fromServer, makeApi);
  return {
    transport: stdioTransport(toServer, fromServer),
    async close() {
      toServer.end();
      await done;
    },
  };
}
