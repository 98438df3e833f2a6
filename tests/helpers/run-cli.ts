import { PassThrough, Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/command.ts';
import { runCli } from '../../src/cli/main.ts';

export interface CliResult {
  status: number;
  out: string;
  err: string;
}

/** Streams for one in-process `lsr` call; `text.out` and `text.err` hold what was written so far. */
export function captureIo(stdin = ''): { io: CliIo; text: { out: string; err: string } } {
  const text = { out: '', err: '' };
  // Appended synchronously on write, so everything written is there once the command returns.
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  const input = new PassThrough();
  input.end(stdin);
  return { io: { stdout: sink((s) => (text.out += s)), stderr: sink((s) => (text.err += s)), stdin: input }, text };
}

/** Runs one `lsr` invocation in-process with captured streams; argv as given (no `--home` added). */
export async function runLsr(argv: readonly string[], stdin = '', signal: AbortSignal = new AbortController().signal): Promise<CliResult> {
  const { io, text } = captureIo(stdin);
  const status = await runCli(argv, io, signal);
  return { status, ...text };
}

/** Runs one `lsr` invocation in-process on the workspace `home`. */
export function lsrIn(home: string, argv: readonly string[], stdin = '', signal?: AbortSignal): Promise<CliResult> {
  return runLsr([...argv, '--home', home], stdin, signal);
}
