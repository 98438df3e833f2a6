import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'lsr-workbench';

/**
 * The workspace folder (database, runs, checkpoints, caches): `--home`, else `LSR_HOME`, else the platform
 * app-data folder Electron's `app.getPath('userData')` uses for this app, so the CLI and the app share runs.
 */
export function resolveHome(explicit?: string): string {
  if (explicit) return path.resolve(explicit);
  if (process.env.LSR_HOME) return path.resolve(process.env.LSR_HOME);
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', APP_NAME);
    case 'win32':
      return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
    default:
      return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
  }
}
