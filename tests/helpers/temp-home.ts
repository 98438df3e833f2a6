import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { Store } from '../../src/core/store/store.ts';

/** A fresh workspace folder under the system temp dir, removed by the returned cleanup. */
export function tempHome(): { home: string; cleanup: () => void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-store-'));
  return { home, cleanup: () => fs.rmSync(home, { recursive: true, force: true }) };
}

export interface ManualClock {
  now: () => number;
  advance: (ms: number) => void;
}

/** A clock tests move by hand. */
export function manualClock(startMs = Date.UTC(2025, 0, 2, 3, 4, 5)): ManualClock {
  let t = startMs;
  return { now: () => t, advance: (ms) => (t += ms) };
}

function current<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} exists only while a test runs`);
  return value;
}

/** A fresh workspace for each test of the calling file; the returned function gives its folder. */
export function useTempHome(): () => string {
  let temp: ReturnType<typeof tempHome> | undefined;
  beforeEach(() => {
    temp = tempHome();
  });
  afterEach(() => {
    temp?.cleanup();
    temp = undefined;
  });
  return () => current(temp, 'the temp home').home;
}

export interface TempStore {
  readonly home: string;
  /** Open on `home` with `clock`; closed (and the folder removed) after each test. */
  readonly store: Store;
  readonly clock: ManualClock;
  /** Closes the store and opens the same database again, as a later process would. */
  reopen(): void;
}

/** A fresh workspace with an open store and a hand-moved clock for each test of the calling file. */
export function useTempStore(): TempStore {
  let state: { temp: ReturnType<typeof tempHome>; clock: ManualClock; store: Store } | undefined;
  beforeEach(() => {
    const temp = tempHome();
    const clock = manualClock();
    state = { temp, clock, store: Store.open(temp.home, { clock: clock.now }) };
  });
  afterEach(() => {
    state?.store.close();
    state?.temp.cleanup();
    state = undefined;
  });
  const now = () => current(state, 'the temp store');
  return {
    get home() {
      return now().temp.home;
    },
    get store() {
      return now().store;
    },
    get clock() {
      return now().clock;
    },
    reopen() {
      const s = now();
      s.store.close();
      s.store = Store.open(s.temp.home, { clock: s.clock.now });
    },
  };
}
