import os from 'node:os';
import type { Handlers } from '../create-api.ts';
import { activeBackend } from '../../tensor/backend.ts';

export function appHandlers(deps: { home: string; version: string }): Pick<Handlers, 'app.info'> {
  return {
    'app.info': () => ({
      version: deps.version,
      backend: activeBackend()?.name ?? null,
      home: deps.home,
      platform: `${os.platform()}-${os.arch()}`,
    }),
  };
}
