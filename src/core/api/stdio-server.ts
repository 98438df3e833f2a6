import readline from 'node:readline';
import type { WireMessage, WireRequest } from '../../shared/wire.ts';
import { answerWireRequest, serializeReply } from './answer.ts';
import { CountedAudience } from './audience.ts';
import { createApi, type ApiFactory } from './create-api.ts';

/** Wire messages of the stdio transport: one JSON object per line each way (see src/shared/wire.ts). */
export type StdioRequest = WireRequest;
export type StdioMessage = WireMessage;

/**
 * Serves the API over stdin/stdout. The Electron main process runs this in a plain Node child so native
 * modules (better-sqlite3, tfjs-node) are the same builds the CLI and tests use, not Electron-ABI rebuilds.
 */
export async function serveStdio(
  home: string,
  version: string,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  makeApi: ApiFactory = (emit, audience) => createApi({ home, version, emit, audience }),
): Promise<void> {
  const send = (msg: WireMessage): void => {
    output.write(('event' in msg ? JSON.stringify(msg) : serializeReply(msg)) + '\n');
  };
  // One renderer (the Electron window's main process) listens for as long as stdin is open.
  const audience = new CountedAudience();
  const handlers = makeApi((event, payload) => send({ event, payload } as WireMessage), audience);
  audience.set(1);
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  const pending: Promise<void>[] = [];
  for await (const line of rl) {
    if (line.trim() === '') continue;
    pending.push(
      answerWireRequest(handlers, line).then((reply) => {
        if (reply) send(reply);
      }),
    );
  }
  audience.set(0);
  await Promise.all(pending);
}
