import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../../src/core/store/process-liveness.ts';
import { Store, openWorkspaceStore } from '../../../src/core/store/store.ts';
import { manualClock, useTempHome } from '../../helpers/temp-home.ts';

const home = useTempHome();

/** The pid of a process that has exited and been reaped. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  expect(child.status).toBe(0);
  return child.pid!;
}

describe('process liveness', () => {
  it('tells a live process from a finished one and from a zombie', async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(deadPid())).toBe(false);
    expect(isProcessAlive(0)).toBe(false);
    expect(isProcessAlive(-1)).toBe(false);
    if (process.platform === 'linux') {
      // A child that exited but was not reaped yet (no 'exit' handling until the event loop turns).
      const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      const pid = child.pid!;
      const exited = new Promise((resolve) => child.on('exit', resolve));
      // Busy-wait briefly without yielding to the event loop, so libuv cannot reap it.
      const until = Date.now() + 3000;
      while (Date.now() < until && isProcessAlive(pid)) {
        /* spin */
      }
      expect(isProcessAlive(pid)).toBe(false);
      await exited;
    }
  });
});

describe('markInterruptedRuns', () => {
  it('marks running runs whose process is dead, and leaves the others', () => {
    const clock = manualClock();
    const store = Store.open(home(), { clock: clock.now });
    const dead = store.runs.create({ name: 'dead', config: {} });
    const alive = store.runs.create({ name: 'alive', config: {} });
    const queued = store.runs.create({ name: 'queued', config: {} });
    const pid = deadPid();
    store.runs.transition(dead.id, 'running', { pid });
    store.runs.heartbeat(dead.id, 37);
    store.runs.transition(alive.id, 'running', { pid: process.pid });
    clock.advance(5000);

    const marked = store.markInterruptedRuns();
    expect(marked).toEqual([{ id: dead.id, reason: `its process (pid ${pid}) is no longer running` }]);
    expect(store.runs.require(dead.id)).toMatchObject({ status: 'interrupted', pid: null, lastStep: 37, endedAt: '2025-01-02T03:04:10.000Z' });
    expect(store.runs.history(dead.id).at(-1)).toEqual({
      from: 'running',
      to: 'interrupted',
      reason: `its process (pid ${pid}) is no longer running`,
      step: 37,
      at: '2025-01-02T03:04:10.000Z',
    });
    expect(store.runs.require(alive.id).status).toBe('running');
    expect(store.runs.require(queued.id).status).toBe('queued');
    // Nothing more to do the second time.
    expect(store.markInterruptedRuns()).toEqual([]);
    store.close();
  });

  it('marks a run whose live-looking process has been silent past the limit (e.g. a reused pid)', () => {
    const clock = manualClock();
    const store = Store.open(home(), { clock: clock.now });
    const run = store.runs.create({ config: {} });
    store.runs.transition(run.id, 'running', { pid: process.pid });
    clock.advance(60_000);
    expect(store.markInterruptedRuns({ staleAfterMs: 120_000 })).toEqual([]);
    clock.advance(61_000);
    expect(store.markInterruptedRuns({ staleAfterMs: 120_000 })).toEqual([
      { id: run.id, reason: `no heartbeat from its process (pid ${process.pid}) for 121 s` },
    ]);
    store.close();
  });

  it('judges a run from another host by its heartbeat only', () => {
    const clock = manualClock();
    const store = Store.open(home(), { clock: clock.now });
    const run = store.runs.create({ config: {} });
    store.runs.transition(run.id, 'running', { pid: deadPid() });
    store.db.prepare(`UPDATE runs SET host = 'elsewhere' WHERE id = ?`).run(run.id);
    expect(store.markInterruptedRuns()).toEqual([]);
    clock.advance(16 * 60_000);
    expect(store.markInterruptedRuns().map((m) => m.id)).toEqual([run.id]);
    store.close();
  });

  it('runs on every workspace open', () => {
    const first = Store.open(home());
    const run = first.runs.create({ config: {} });
    first.runs.transition(run.id, 'running', { pid: deadPid() });
    first.close();
    const second = openWorkspaceStore(home());
    expect(second.runs.require(run.id).status).toBe('interrupted');
    second.close();
  });
});
