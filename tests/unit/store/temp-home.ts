import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh workspace folder under the system temp dir, removed by the returned cleanup. */
export function tempHome(): { home: string; cleanup: () => void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-store-'));
  return { home, cleanup: () => fs.rmSync(home, { recursive: true, force: true }) };
}

/** A clock tests move by hand. */
export function manualClock(startMs = Date.UTC(2025, 0, 2, 3, 4, 5)): { now: () => number; advance: (ms: number) => void } {
  let t = startMs;
  return { now: () => t, advance: (ms) => (t += ms) };
}
