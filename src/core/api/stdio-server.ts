import readline from 'node:readline';
import type { ApiEvents, EventName } from '../../shared/contract.ts';
import { createApi } from './create-api.ts';
import { dispatch } from './dispatch.ts';

/** Wire messages of the stdio transport: one JSON object per line each way. */
export type StdioRequest = { id: number; method: string; params: unknown };
export type StdioMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: string; message: string } }
  | { event: EventName; payload: ApiEvents[EventName] };

/**
 * Serves the API over stdin/stdout. The Electron main process runs this in a plain Node child so native
 * modules (better-sqlite3, tfjs-node) are the same builds the CLI and tests use, not Electron-ABI rebuilds.
 */
export async function serveStdio(home: string, version: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  const send = (msg: StdioMessage): void => {
    output.write(JSON.stringify(msg) + '\n');
  };
  const handlers = createApi({ home, version, emit: (event, payload) => send({ event, payload }) });
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  const pending: Promise<void>[] = [];
  for await (const line of rl) {
    if (line.trim() === '') continue;
    let req: StdioRequest;
    try {
      req = JSON.parse(line) as StdioRequest;
    } catch {
      continue; // not ours to answer: there is no id to answer to
    }
    pending.push(
      dispatch(handlers, req.method, req.params).then((outcome) =>
        send(outcome.ok ? { id: req.id, ok: true, result: outcome.result } : { id: req.id, ok: false, error: outcome.error }),
      ),
    );
  }
  await Promise.all(pending);
}
