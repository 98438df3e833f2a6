import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
const OUT = path.join(ROOT, 'out/renderer');
const SOURCES = ['src/renderer', 'src/shared', 'vite.web.config.ts', 'package-lock.json'];

function newestMtime(p: string): number {
  const stat = statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(p).map((name) => newestMtime(path.join(p, name))));
}

/** The built renderer `lsr web` serves: rebuilt (`npm run build:renderer`'s config) when older than its sources. */
export async function ensureRendererBuilt(): Promise<string> {
  const index = path.join(OUT, 'index.html');
  const sources = Math.max(...SOURCES.map((s) => newestMtime(path.join(ROOT, s))));
  if (!existsSync(index) || statSync(index).mtimeMs < sources) {
    await build({ configFile: path.join(ROOT, 'vite.web.config.ts'), logLevel: 'warn' });
  }
  return OUT;
}
