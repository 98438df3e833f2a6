import type { Command } from '../command.ts';
import { InputError } from '../../core/errors.ts';
import { readTextRecords } from '../../core/io/text-records.ts';
import { fillMask, type FillMaskResult } from '../../core/pretrain/fill-mask.ts';
import { readSpecialTokens } from '../../core/pretrain/special-tokens.ts';
import { loadModelAndTokenizer, maxLengthArg, modelFolderArg } from '../model-args.ts';

function text(results: FillMaskResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(r.text);
    for (const m of r.masks) {
      const guesses = m.predictions.map((p) => `${p.token} ${(100 * p.probability).toFixed(1)}%`).join('  ');
      lines.push(`  [${m.position}] ${guesses}`);
    }
  }
  return lines.join('\n');
}

export const fillMaskCommand: Command = {
  name: 'fill-mask',
  summary: "a masked LM's top predictions at each mask token (a check of a pretrained or domain-adapted backbone)",
  usage: 'fill-mask --model MODEL [--top 5] [--input FILE|-] [--max-length N] [--json] [TEXT …]',
  async run(ctx) {
    const { args, io } = ctx;
    const top = args.number('top', { integer: true, min: 1 }) ?? 5;
    const input = args.string('input');
    const json = args.flag('json');
    const texts = [...args.positionals];
    if (input !== undefined) for await (const r of readTextRecords(input, io.stdin)) texts.push(r.text);
    if (texts.length === 0) throw new InputError('give texts with a mask token, as arguments or with --input', { field: 'TEXT' });
    const folder = await modelFolderArg(ctx);
    const { maskTokenId } = readSpecialTokens(folder);
    const { model, tokenizer } = await loadModelAndTokenizer(ctx, folder);
    try {
      const maxLength = maxLengthArg(ctx, model.info.maxPositions, tokenizer);
      const results = await fillMask(model, tokenizer, maskTokenId, texts, { top, maxLength });
      io.stdout.write((json ? results.map((r) => JSON.stringify(r)).join('\n') : text(results)) + '\n');
    } finally {
      model.dispose();
    }
  },
};
