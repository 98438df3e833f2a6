import type { Command } from '../command.ts';
import { loadDatasetFolder } from '../../core/data/dataset-folder.ts';
import { resolveDatasetFolder } from '../../core/data/resolve-dataset.ts';
import { evaluateSplade } from '../../core/eval/evaluate-splade.ts';
import { writeRun } from '../../core/eval/run-file.ts';
import { SpladeEncoder } from '../../core/splade/encoder.ts';
import { rescaleHead, validateRescaleK } from '../../core/splade/rescale.ts';
import { loadModelAndTokenizer, modelFolderArg } from '../model-args.ts';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'encode a dataset with a SPLADE model, retrieve the top 1000 per query from an inverted index, and evaluate',
  usage:
    'eval --model MODEL --dataset NAME|FOLDER [--split test] [--k K] [--run-out FILE] [--query-length N] [--doc-length N] [--batch-size B] [--json] [--per-query]',
  booleanFlags: ['per-query'],
  async run(ctx) {
    const { args, io } = ctx;
    const split = args.string('split') ?? 'test';
    const k = validateRescaleK(args.number('k') ?? 1);
    const runOut = args.string('run-out');
    const batchSize = args.number('batch-size', { integer: true, min: 1 }) ?? 32;
    const queryLength = args.number('query-length', { integer: true, min: 2 });
    const docLength = args.number('doc-length', { integer: true, min: 2 });
    const datasetFolder = resolveDatasetFolder(args.required('dataset'), ctx.home);
    const data = await loadDatasetFolder(datasetFolder, split);
    const { model, tokenizer } = await loadModelAndTokenizer(ctx, await modelFolderArg(ctx));
    try {
      rescaleHead(model, k);
      const encoder = new SpladeEncoder(model, tokenizer, { batchSize, queryMaxLength: queryLength, documentMaxLength: docLength });
      const result = await evaluateSplade(encoder, data, { signal: ctx.signal, onProgress: ctx.progress });
      if (runOut) await writeRun(runOut, result.run, 'lsr');
      const out: Record<string, unknown> = { ...result.metrics };
      if (args.flag('per-query')) out.per_query = result.perQuery;
      if (args.flag('json')) io.stdout.write(JSON.stringify(out) + '\n');
      else for (const [name, value] of Object.entries(result.metrics)) io.stdout.write(`${name.padEnd(16)} ${Number.isInteger(value) ? value : value.toFixed(4)}\n`);
    } finally {
      model.dispose();
    }
  },
};
