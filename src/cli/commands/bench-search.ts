import type { Command } from '../command.ts';
import { runSearchBench } from '../../core/retrieval/search-bench.ts';

export const benchSearchCommand: Command = {
  name: 'bench search',
  summary: 'inverted-index search speed on `lsr encode` vectors (pruned vs exhaustive, same run)',
  usage: 'bench search --docs FILE --queries FILE [--k 1000] [--repeat 3] [--run-out FILE]',
  async run({ args, io, progress, signal }) {
    const result = await runSearchBench({
      docsFile: args.required('docs'),
      queriesFile: args.required('queries'),
      k: args.number('k', { integer: true, min: 1, max: 100_000 }) ?? 1000,
      repeat: args.number('repeat', { integer: true, min: 1 }) ?? 3,
      runOut: args.string('run-out'),
      onProgress: progress,
      signal,
    });
    io.stdout.write(JSON.stringify(result) + '\n');
  },
};
