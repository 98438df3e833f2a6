import type { Command } from '../command.ts';
import { selectBackend } from '../../core/tensor/backend.ts';

export const backendCommand: Command = {
  name: 'backend',
  summary: 'show which tensor backend loads here (and why others were skipped)',
  usage: 'backend [--backend B] [--json]',
  async run({ args, io }) {
    const report = await selectBackend(undefined, (line) => io.stderr.write(line + '\n'));
    if (args.flag('json')) io.stdout.write(JSON.stringify(report) + '\n');
    else io.stdout.write(`backend: ${report.name} (tfjs ${report.tfjsVersion})\n`);
  },
};
