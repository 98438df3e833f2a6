import { describeRegistration, ensureDemoRegistered } from '../../core/demo/register.ts';
import type { Command } from '../command.ts';

export const demoRegisterCommand: Command = {
  name: 'demo register',
  summary: 'register the demo collections (cranfield, med) and backbones in the workspace (idempotent)',
  usage:
    'demo register [--json]\n\n' +
    'Imports resources/demo/collections/{cranfield,med} as datasets and records the demo backbones\n' +
    '(resources/demo/models/*) in the workspace settings (key demo.backbones). `lsr web` and the app do this\n' +
    'on start; running it again changes nothing unless the committed files changed.',
  booleanFlags: ['json'],
  async run({ args, home, io }) {
    const json = args.flag('json');
    const result = await ensureDemoRegistered(home);
    if (json) io.stdout.write(JSON.stringify(result) + '\n');
    else io.stdout.write(describeRegistration(result) + '\n');
  },
};
