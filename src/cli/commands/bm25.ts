import type { Command } from '../command.ts';
import { evaluateBm25 } from '../../core/bm25/bm25-eval.ts';
import { LUCENE_BM25_DEFAULTS } from '../../core/bm25/bm25-index.ts';
import { writeRun } from '../../core/eval/run-file.ts';
import { formatMetricsTable } from './metrics.ts';

export const bm25Command: Command = {
  name: 'bm25',
  summary: 'Lucene-style BM25 baseline on a BEIR dataset folder (title + text), with its metrics',
  usage: 'bm25 --dataset FOLDER [--split test] [--k1 0.9] [--b 0.4] [--run-out FILE] [--json]',
  async run({ args, io, progress }) {
    const result = await evaluateBm25(args.required('dataset'), {
      split: args.string('split') ?? 'test',
      params: {
        k1: args.number('k1', { min: 0 }) ?? LUCENE_BM25_DEFAULTS.k1,
        b: args.number('b', { min: 0, max: 1 }) ?? LUCENE_BM25_DEFAULTS.b,
      },
      onProgress: progress,
    });
    const runOut = args.string('run-out');
    if (runOut) await writeRun(runOut, result.run, 'bm25');
    if (args.flag('json')) {
      io.stdout.write(JSON.stringify({ ...result.metrics, k1: result.params.k1, b: result.params.b, docs: result.docs, analyzer: result.analyzer }) + '\n');
    } else {
      io.stdout.write(`BM25 k1=${result.params.k1} b=${result.params.b}, ${result.docs} documents; analyzer: ${result.analyzer}\n`);
      io.stdout.write(formatMetricsTable(result.metrics));
    }
  },
};
