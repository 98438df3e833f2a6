import path from 'node:path';
import type { Command } from '../command.ts';
import { InputError } from '../../core/errors.ts';
import { createApi } from '../../core/api/create-api.ts';
import { ApiLifecycle } from '../../core/api/lifecycle.ts';
import { registerDemoOnStart } from './demo-on-start.ts';
import { appVersion } from '../../core/version.ts';
import { isLoopbackHost } from '../../web/request-guard.ts';
import { MissingRendererError } from '../../web/static-files.ts';
import { DEFAULT_RENDERER_DIR, startWebServer } from '../../web/web-server.ts';

export const webCommand: Command = {
  name: 'web',
  summary: 'serve the workbench in a browser (prints the URL with its access token)',
  usage: 'web [--host 127.0.0.1] [--port N] [--renderer DIR]\n\n' +
    '  --host      address to listen on (default 127.0.0.1, this machine only); any other address is\n' +
    '              reachable from the network and prints a warning\n' +
    '  --port      port to listen on (default 0: a free one, shown in the URL)\n' +
    '  --renderer  the built renderer to serve (default out/renderer, from `npm run build:renderer`)',
  async run({ args, home, io, signal }) {
    const host = args.string('host') ?? '127.0.0.1';
    if (host.trim() === '') throw new InputError('must not be empty', { field: '--host' });
    const port = args.number('port', { integer: true, min: 0, max: 65535 }) ?? 0;
    const rendererDir = path.resolve(args.string('renderer') ?? DEFAULT_RENDERER_DIR);
    const version = appVersion();

    const lifecycle = new ApiLifecycle();
    let server;
    try {
      server = await startWebServer({ host, port, rendererDir, makeApi: (emit, audience) => createApi({ home, version, emit, audience, lifecycle }) });
    } catch (err) {
      if (err instanceof MissingRendererError) throw new InputError(err.message, { field: '--renderer' });
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new InputError(`port ${port} is already in use`, { field: '--port' });
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new InputError(`cannot listen on ${host}`, { field: '--host' });
      throw err;
    }

    // Before the URL is printed: the workbench opens with the demo datasets and backbones registered.
    await registerDemoOnStart(home, io.stderr, 'lsr web');
    if (!isLoopbackHost(host)) {
      io.stderr.write(
        `lsr web: warning: listening on ${host}, reachable from other machines; anyone holding the URL's token ` +
          'can use this workbench, and plain HTTP is not encrypted\n',
      );
    }
    io.stderr.write(`lsr web: serving ${rendererDir} and the API for workspace ${home}; open this URL (Ctrl-C to stop):\n`);
    io.stdout.write(`${server.url}\n`);

    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    io.stderr.write('lsr web: shutting down\n');
    await server.close();
    // Training runs started from the workbench stop cleanly (checkpoint, `cancelled`, resumable).
    await lifecycle.close();
  },
};
