import type { Command } from '../command.ts';
import { InputError } from '../../core/errors.ts';
import { readTextRecords } from '../../core/io/text-records.ts';
import { computeHeadStats, SAMPLE_TEXTS, type HeadStats } from '../../core/splade/head-stats.ts';
import { validateRescaleK } from '../../core/splade/rescale.ts';
import { loadModelAndTokenizer, maxLengthArg, modelFolderArg } from '../model-args.ts';

function table(stats: HeadStats): string {
  const head = ['k', '|W|_F', 'mean |w_j|', '|b|', 'logits L2', 'nnz', 'w mean', 'w max', 'cosine'];
  const rows = Object.entries(stats.by_k).map(([k, s]) => [
    k,
    s.decoder_weight_frobenius_norm.toPrecision(5),
    s.decoder_weight_mean_row_l2_norm.toPrecision(5),
    s.decoder_bias_l2_norm.toPrecision(5),
    s.logits_l2_mean.toPrecision(5),
    s.splade_nnz_mean.toFixed(1),
    s.splade_weight_mean.toPrecision(4),
    s.splade_weight_max.toPrecision(4),
    s.splade_cosine_mean === null ? '-' : s.splade_cosine_mean.toFixed(3),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [
    `${stats.architecture}, vocabulary ${stats.vocab_size}, decoder ${stats.tied ? 'tied to' : 'untied from'} the input embeddings`,
    `${stats.texts} texts, ${stats.tokens} tokens (max length ${stats.max_length})`,
    `decoder rows: mean pairwise cosine ${stats.decoder_rows_mean_cosine === null ? '-' : stats.decoder_rows_mean_cosine.toFixed(3)} (near 0: isotropic; large: rare tokens' rows share one direction)`,
    line(head),
    ...rows.map(line),
  ].join('\n');
}

export const headStatsCommand: Command = {
  name: 'head-stats',
  summary: 'MLM-head scale diagnostics for each rescale factor k',
  usage: 'head-stats --model MODEL [--k 1,4,16] [--input FILE|-] [--max-length N] [--batch-size B] [--json]',
  async run(ctx) {
    const { args, io } = ctx;
    const ks = args.numberList('k') ?? [1, 4, 16];
    if (ks.length === 0) throw new InputError('give at least one k', { field: '--k' });
    for (const k of ks) validateRescaleK(k);
    const input = args.string('input');
    const json = args.flag('json');
    const batchSize = args.number('batch-size', { integer: true, min: 1 }) ?? 16;
    const { model, tokenizer } = await loadModelAndTokenizer(ctx, await modelFolderArg(ctx));
    try {
      const maxLength = maxLengthArg(ctx, model.info.maxPositions, tokenizer);
      const texts: string[] = [];
      if (input !== undefined) for await (const r of readTextRecords(input, io.stdin)) texts.push(r.text);
      else texts.push(...SAMPLE_TEXTS);
      if (texts.length === 0) throw new InputError('no texts', { file: input });
      const stats = await computeHeadStats(model, tokenizer, ks, texts, {
        maxLength,
        batchSize,
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress(`head-stats: ${done}/${total} texts`),
      });
      io.stdout.write((json ? JSON.stringify(stats) : table(stats)) + '\n');
    } finally {
      model.dispose();
    }
  },
};
