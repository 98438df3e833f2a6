import type { Command } from '../command.ts';
import { serveStdio } from '../../core/api/stdio-server.ts';
import { createApi } from '../../core/api/create-api.ts';
import { ApiLifecycle } from '../../core/api/lifecycle.ts';
import { appVersion } from '../../core/version.ts';
import { InputError } from '../../core/errors.ts';
import { registerDemoOnStart } from './demo-on-start.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the workbench API over stdin/stdout (used by the desktop app)',
  usage: 'serve --stdio',
  booleanFlags: ['stdio'],
  async run({ args, home, io }) {
    if (!args.flag('stdio')) throw new InputError('only --stdio is supported (use `lsr web` for HTTP)', { field: '--stdio' });
    await registerDemoOnStart(home, io.stderr, 'lsr serve');
    const version = appVersion();
    const lifecycle = new ApiLifecycle();
    try {
      await serveStdio(home, version, io.stdin, io.stdout, (emit, audience) => createApi({ home, version, emit, audience, lifecycle }));
    } finally {
      // stdin ended (the app quit): training runs stop cleanly at their next step.
      await lifecycle.close();
    }
  },
};
