import type { Command } from '../command.ts';
import { readTextRecords, type TextRecord } from '../../core/io/text-records.ts';
import { readModelConfig } from '../../core/models/load.ts';
import { loadTokenizer } from '../../core/tokenize/load-tokenizer.ts';
import { maxLengthArg, maxPositionsOf, modelFolderArg } from '../model-args.ts';
import { openLineSink } from '../output-lines.ts';

const BATCH = 256;

export const tokenizeCommand: Command = {
  name: 'tokenize',
  summary: 'tokenize JSONL texts exactly as the model receives them (special tokens included)',
  usage: 'tokenize --model MODEL --input FILE|- [--max-length N] [--output FILE]',
  async run(ctx) {
    const { args, io } = ctx;
    const input = args.required('input');
    const folder = await modelFolderArg(ctx);
    const config = readModelConfig(folder);
    const tokenizer = await loadTokenizer(folder, config);
    const maxLength = maxLengthArg(ctx, maxPositionsOf(config), tokenizer);
    const sink = openLineSink(args.string('output'), io.stdout);
    let pending: TextRecord[] = [];
    let done = 0;
    const flush = async (): Promise<void> => {
      const encoded = await tokenizer.encodeBatch(
        pending.map((r) => r.text),
        maxLength,
      );
      for (let i = 0; i < pending.length; i++) {
        await sink.write(JSON.stringify({ id: pending[i]!.id, input_ids: encoded[i]!.ids, tokens: encoded[i]!.tokens }));
      }
      done += pending.length;
      pending = [];
      ctx.progress(`tokenized ${done} texts`);
    };
    try {
      for await (const rec of readTextRecords(input, io.stdin)) {
        pending.push(rec);
        if (pending.length >= BATCH) await flush();
      }
      if (pending.length > 0) await flush();
    } finally {
      await sink.close();
    }
  },
};
