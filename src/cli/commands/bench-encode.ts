import type { Command } from '../command.ts';
import { benchEncode, DEFAULT_BENCH_ENCODE, type BenchEncodeSettings } from '../../core/splade/bench-encode.ts';
import { backendFor } from '../model-args.ts';

export const benchEncodeCommand: Command = {
  name: 'bench encode',
  summary: 'SPLADE encoding throughput (texts/s) of a random BERT, tokenization excluded',
  usage: 'bench encode [--layers 2 --hidden 128 --heads 2 --ffn 512 --vocab 30522 --batch 32 --tokens 128 --batches 5 --warmup 1] [--backend B]',
  async run(ctx) {
    const settings = { ...DEFAULT_BENCH_ENCODE };
    for (const key of Object.keys(settings) as (keyof BenchEncodeSettings)[]) {
      const v = ctx.args.number(key, { integer: true, min: key === 'warmup' ? 0 : 1 });
      if (v !== undefined) settings[key] = v;
    }
    await backendFor(ctx);
    const result = await benchEncode(settings, (line) => ctx.progress(line));
    ctx.io.stdout.write(JSON.stringify(result) + '\n');
  },
};
