import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO, lsr } from '../unit/runs/helpers.ts';

export { jsonLines, lsr, spawnLsr, storedSeries, waitFor, withStore } from '../unit/runs/helpers.ts';

/** Metrics that measure time, not the computation: they differ between any two runs. */
export const TIMING_METRICS = new Set(['step_s', 'tokens_per_s', 'eval/query_ms_mean']);

/** Registers the ADI collection (82 documents, 35 queries) as dataset `adi` in `home`. */
export async function importAdi(home: string): Promise<void> {
  const r = await lsr(home, ['data', 'import', '--format', 'smart', path.join(REPO, 'data', 'adi'), '--name', 'adi']);
  expect(r.status, r.stderr).toBe(0);
}

/** Writes a `lsr train` config file into `home` and returns its path. */
export function writeConfig(home: string, name: string, config: Record<string, unknown>): string {
  const file = path.join(home, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(config, null, 1));
  return file;
}

/** Every stored series of a run with the timing metrics left out. */
export function withoutTiming(series: Record<string, [number, number][]>): Record<string, [number, number][]> {
  return Object.fromEntries(Object.entries(series).filter(([name]) => !TIMING_METRICS.has(name)));
}
