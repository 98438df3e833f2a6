import type { Args } from './args.ts';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

/** Common context every command receives: parsed args, the workspace, and the streams. */
export interface CommandContext {
  args: Args;
  home: string;
  io: CliIo;
  /** One progress line on stderr (overwritten in place on a TTY). */
  progress: (line: string) => void;
  /** Aborted on SIGINT/SIGTERM; long work checks it between batches. */
  signal: AbortSignal;
}

export interface Command {
  /** Space-separated path, e.g. `runs list`. */
  name: string;
  summary: string;
  usage: string;
  booleanFlags?: readonly string[];
  run(ctx: CommandContext): Promise<number | void>;
}
