import type { Command } from '../command.ts';
import { InputError } from '../../core/errors.ts';
import { readTextRecords, type TextRecord } from '../../core/io/text-records.ts';
import { SpladeEncoder, type TextItem } from '../../core/splade/encoder.ts';
import { rescaleHead, validateRescaleK } from '../../core/splade/rescale.ts';
import { loadModelAndTokenizer, maxLengthArg, modelFolderArg } from '../model-args.ts';
import { float32Json, openLineSink } from '../output-lines.ts';

async function* asItems(records: AsyncIterable<TextRecord>): AsyncGenerator<TextItem> {
  for await (const r of records) yield { id: r.id, text: r.text };
}

export const encodeCommand: Command = {
  name: 'encode',
  summary: 'encode JSONL texts into SPLADE vectors (optionally with the MLM head rescaled by k)',
  usage: 'encode --model MODEL --input FILE|- [--k K] [--keys ids|tokens] [--max-length N] [--batch-size B] [--output FILE]',
  async run(ctx) {
    const { args, io } = ctx;
    const input = args.required('input');
    const k = validateRescaleK(args.number('k') ?? 1);
    const keys = args.string('keys') ?? 'ids';
    if (keys !== 'ids' && keys !== 'tokens') throw new InputError(`expected ids or tokens, got "${keys}"`, { field: '--keys' });
    const batchSize = args.number('batch-size', { integer: true, min: 1 }) ?? 32;
    const output = args.string('output');
    const { model, tokenizer } = await loadModelAndTokenizer(ctx, await modelFolderArg(ctx));
    try {
      const maxLength = maxLengthArg(ctx, model.info.maxPositions, tokenizer);
      rescaleHead(model, k);
      const encoder = new SpladeEncoder(model, tokenizer, { batchSize, queryMaxLength: maxLength, documentMaxLength: maxLength });
      const tokenOf = (id: number): string => tokenizer.idToToken(id) ?? String(id);
      const sink = openLineSink(output, io.stdout);
      try {
        const stream = encoder.encodeStream(asItems(readTextRecords(input, io.stdin)), 'document', {
          signal: ctx.signal,
          onProgress: ({ done }) => ctx.progress(`encoded ${done} texts`),
        });
        for await (const { id, vector } of stream) {
          const entries: string[] = [];
          for (let i = 0; i < vector.termIds.length; i++) {
            const key = keys === 'ids' ? String(vector.termIds[i]) : tokenOf(vector.termIds[i]!);
            entries.push(`${JSON.stringify(key)}:${JSON.stringify(float32Json(vector.weights[i]!))}`);
          }
          await sink.write(`{"id":${JSON.stringify(id)},"nnz":${vector.termIds.length},"vector":{${entries.join(',')}}}`);
        }
      } finally {
        await sink.close();
      }
    } finally {
      model.dispose();
    }
  },
};
