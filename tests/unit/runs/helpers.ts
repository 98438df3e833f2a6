import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { EXECUTOR_MODULES_ENV } from '../../../src/core/runs/executor-registry.ts';
import { Store } from '../../../src/core/store/store.ts';
import { lsrIn } from '../../helpers/run-cli.ts';
import { initialWalk, walkStep } from './fixtures/walk-executor.ts';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const LSR_BIN = path.join(REPO, 'bin', 'lsr.mjs');

// Every CLI call and every run process (they inherit the environment) registers the `test-walk` executor.
process.env[EXECUTOR_MODULES_ENV] = fileURLToPath(new URL('./fixtures/register-walk.ts', import.meta.url));

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** `lsr …` in this process (its run processes are real forks). */
export async function lsr(home: string, argv: string[], signal?: AbortSignal): Promise<CliResult> {
  const r = await lsrIn(home, argv, '', signal);
  return { status: r.status, stdout: r.out, stderr: r.err };
}

/** `node bin/lsr.mjs …` as a separate process. */
export function spawnLsr(home: string, argv: string[], env: NodeJS.ProcessEnv = {}): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, [LSR_BIN, ...argv, '--home', home], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The walk computed directly from its definition: per step (1-based) the position and the loss x². */
export function walkReference(seed: number, k: number, steps: number): { steps: number[]; walk: number[]; loss: number[] } {
  const out = { steps: [] as number[], walk: [] as number[], loss: [] as number[] };
  let s = initialWalk(seed);
  for (let i = 0; i < steps; i++) {
    s = walkStep(s, k).state;
    out.steps.push(s.step);
    out.walk.push(s.x);
    out.loss.push(s.x * s.x);
  }
  return out;
}

/** Every metric series of a run as {name: [[step, value]…]} (wall times left out). */
export function storedSeries(home: string, runId: string): Record<string, [number, number][]> {
  const store = Store.open(home);
  try {
    const out: Record<string, [number, number][]> = {};
    for (const s of store.metrics.series(runId)) out[s.name] = s.steps.map((step, i) => [step, s.values[i]]);
    return out;
  } finally {
    store.close();
  }
}

export function withStore<T>(home: string, fn: (store: Store) => T): T {
  const store = Store.open(home);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

export { waitFor } from '../../helpers/wait-for.ts';
