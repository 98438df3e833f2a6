import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './renderer-build.ts';

export interface LsrWeb {
  url: string;
  port: number;
  /** SIGTERM, then the exit status and how long the shutdown took. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string }>;
}

/** Starts `lsr web --port 0` as a user would, and waits for the URL line on its stdout. */
export function startLsrWeb(home: string, rendererDir: string): Promise<LsrWeb> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/lsr.mjs'), 'web', '--port', '0', '--renderer', rendererDir], {
    cwd: ROOT,
    env: { ...process.env, LSR_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lsr web printed no URL within 30 s; stderr:\n${stderr}`)), 30_000);
    void exited.then(({ code }) => reject(new Error(`lsr web exited (${code}) before printing a URL; stderr:\n${stderr}`)));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l, i, all) => i < all.length - 1 && l.startsWith('http://'));
      if (!line) return;
      clearTimeout(timer);
      resolve({
        url: line,
        port: Number(new URL(line).port),
        async stop() {
          const start = Date.now();
          child.kill('SIGTERM');
          const { code, signal } = await exited;
          return { code, signal, ms: Date.now() - start, stderr };
        },
      });
    });
  });
}
