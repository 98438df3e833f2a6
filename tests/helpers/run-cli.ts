import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main.ts';

export interface CliResult {
  status: number;
  out: string;
  err: string;
}

/** Runs one `lsr` invocation in-process with captured streams. */
export async function lsrIn(home: string, argv: string[], stdin = ''): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const input = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  input.end(stdin);
  const status = await runCli([...argv, '--home', home], { stdout, stderr, stdin: input }, new AbortController().signal);
  return { status, out, err };
}
