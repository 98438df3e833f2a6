import type { Command } from '../command.ts';
import { runSearchBench } from '../../core/retrieval/search-bench.ts';

export const benchSearchCommand: Command = {
  name: 'bench search',
  summary: 'inverted-index search speed on `lsr encode` vectors (threads, one thread, pruned, exhaustive; same run)',
  usage: 'bench search --docs FILE --queries FILE [--k 1000] [--repeat 3] [--threads N|auto] [--run-out FILE]',
  async run({ args, io, progress, signal }) {
    const t = args.string('threads');
    const threads = t === undefined || t === 'auto' ? 'auto' : args.number('threads', { integer: true, min: 1 })!;
    const result = await runSearchBench({
      docsFile: args.required('docs'),
      queriesFile: args.required('queries'),
      k: args.number('k', { integer: true, min: 1, max: 100_000 }) ?? 1000,
      repeat: args.number('repeat', { integer: true, min: 1 }) ?? 3,
      threads,
      runOut: args.string('run-out'),
      onProgress: progress,
      signal,
    });
    io.stdout.write(JSON.stringify(result) + '\n');
  },
};
