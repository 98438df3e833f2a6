import readline from 'node:readline';
import type { WireMessage, WireRequest } from '../../shared/wire.ts';
import { answerWireRequest, serializeReply } from './answer.ts';
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
  makeApi: ApiFactory = (emit) => createApi({ home, version, emit }),
): Promise<void> {
  const send = (msg: WireMessage): void => {
    output.write(('event' in msg ? JSON.stringify(msg) : serializeReply(msg)) + '\n');
  };
  const handlers = makeApi((event, payload) => send({ event, payload } as WireMessage));
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
  await Promise.all(pending);
}
