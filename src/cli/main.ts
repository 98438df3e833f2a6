import { Args } from './args.ts';
import type { CliIo, Command } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { CancelledError, InputError, errorMessage } from '../core/errors.ts';
import { resolveHome } from '../core/home.ts';

const GLOBAL_BOOLEANS = ['help', 'json', 'verbose'];

function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  // Longest match first: `runs list` before `runs`.
  const sorted = [...COMMANDS].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of sorted) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  return undefined;
}

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'usage: lsr <command> [options]   (lsr <command> --help for its options)',
    '',
    'commands:',
    ...lines,
    '',
    'global options: --home DIR (or LSR_HOME) selects the workspace; --backend tensorflow-gpu|tensorflow|wasm|cpu',
  ].join('\n');
}

function makeProgress(stderr: NodeJS.WritableStream): (line: string) => void {
  const tty = (stderr as NodeJS.WriteStream).isTTY === true;
  let last = 0;
  return (line: string) => {
    if (tty) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      stderr.write(`\r\x1b[K${line}`);
    } else {
      stderr.write(`${line}\n`);
    }
  };
}

/** Runs one CLI invocation and returns its exit status (0 ok, 2 bad usage or input, 1 other failure). */
export async function runCli(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help' || argv[0] === '-h') {
    (argv.length === 0 ? io.stderr : io.stdout).write(helpText() + '\n');
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr.write(`lsr: unknown command "${argv[0]}"\n\n${helpText()}\n`);
    return 2;
  }
  const { command, rest } = found;
  try {
    const args = new Args(rest, [...GLOBAL_BOOLEANS, ...(command.booleanFlags ?? [])]);
    if (args.flag('help')) {
      io.stdout.write(`usage: lsr ${command.usage}\n\n${command.summary}\n`);
      return 0;
    }
    const home = resolveHome(args.string('home'));
    const backend = args.string('backend');
    if (backend !== undefined) process.env.LSR_BACKEND = backend;
    const status = await command.run({ args, home, io, progress: makeProgress(io.stderr), signal });
    const unknown = args.unknownFlags();
    if (unknown.length > 0) io.stderr.write(`lsr: warning: ignored unknown option(s) ${unknown.map((u) => `--${u}`).join(', ')}\n`);
    return status ?? 0;
  } catch (err) {
    if (err instanceof InputError) {
      io.stderr.write(`lsr ${command.name}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof CancelledError) {
      io.stderr.write(`lsr ${command.name}: ${err.message}\n`);
      return 1;
    }
    io.stderr.write(`lsr ${command.name}: ${errorMessage(err)}\n`);
    if (process.env.LSR_DEBUG && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n');
    return 1;
  }
}
