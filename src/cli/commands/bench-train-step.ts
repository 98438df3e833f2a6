import type { Command } from '../command.ts';
import { InputError } from '../../core/errors.ts';
import { benchTrainStep, TRAIN_STEP_BENCH_DEFAULTS, type TrainStepBenchSettings } from '../../core/bench/train-step-bench.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

const KEYS = Object.keys(TRAIN_STEP_BENCH_DEFAULTS) as (keyof TrainStepBenchSettings)[];

export const benchTrainStepCommand: Command = {
  name: 'bench train-step',
  summary: 'time one SPLADE training step on random weights (the work of scripts/anchors/torch_splade_step.py)',
  usage:
    'bench train-step [--layers 2 --hidden 128 --heads 2 --ffn 512 --vocab 30522 --batch 16 --qlen 32 --dlen 128 ' +
    '--steps 10 --warmup 2] [--backend B] [--workers N|auto] [--seed S] [--profile]',
  booleanFlags: ['profile'],
  async run({ args, io, progress }) {
    const settings = { ...TRAIN_STEP_BENCH_DEFAULTS };
    for (const key of KEYS) {
      const v = args.number(key, { integer: true, min: key === 'warmup' ? 0 : 1 });
      if (v !== undefined) settings[key] = v;
    }
    if (settings.hidden % settings.heads !== 0) throw new InputError(`${settings.hidden} is not a multiple of --heads ${settings.heads}`, { field: '--hidden' });
    const w = args.string('workers');
    let workers: number | 'auto' = 'auto';
    if (w !== undefined && w !== 'auto') workers = args.number('workers', { integer: true, min: 1 })!;
    const seed = args.number('seed', { integer: true }) ?? 0;
    const profile = args.flag('profile');
    const phases: Record<string, number[]>[] = [];
    const result = await benchTrainStep(settings, {
      backend: args.string('backend'),
      workers,
      seed,
      progress,
      forceThreads: profile,
      onPhases: (_, perWorker) =>
        perWorker.forEach((p, rank) => {
          const into = (phases[rank] ??= {});
          for (const [k, v] of Object.entries(p)) (into[k] ??= []).push(v);
        }),
    });
    if (profile) {
      phases.forEach((p, rank) => {
        const med = Object.entries(p).map(([k, v]) => `${k} ${median(v).toFixed(3)}`);
        io.stderr.write(`worker ${rank} median seconds per step: ${med.join(', ')}\n`);
      });
    }
    io.stdout.write(JSON.stringify(result) + '\n');
  },
};
