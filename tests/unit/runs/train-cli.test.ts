import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempHome } from '../../helpers/temp-home.ts';
import { jsonLines, lsr, spawnLsr, storedSeries, waitFor, walkReference, withStore } from './helpers.ts';

let home: string;
let cleanup: () => void;
beforeEach(() => ({ home, cleanup } = tempHome()));
afterEach(() => cleanup());

const WALK = ['--kind', 'test-walk', '--model', 'some/backbone', '--dataset', 'toy'];

describe('lsr train', () => {
  it('trains a run end to end in its own process: --json events, stored metrics, checkpoints, status', async () => {
    const r = await lsr(home, ['train', ...WALK, '--k', '2', '--seed', '7', '--steps', '12', '--checkpoint-every', '5', '--json']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    const events = jsonLines(r.stdout);
    const runId = events[0].run as string;
    expect(events[0]).toEqual({ event: 'queued', run: runId, name: runId, sweep: null });
    expect(events[1]).toMatchObject({ event: 'start', run: runId, startStep: 0 });
    expect(typeof events[1].pid).toBe('number');
    expect(events[1].pid).not.toBe(process.pid);
    // The last line is exactly the contract's end event.
    expect(Object.keys(events.at(-1)!)).toEqual(['event', 'run', 'status']);
    expect(events.at(-1)).toEqual({ event: 'end', run: runId, status: 'finished' });
    const checkpoints = events.filter((e) => e.event === 'checkpoint');
    expect(checkpoints.map((e) => e.step)).toEqual([5, 10, 12]);
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.at(-1)).toMatchObject({ step: 12, totalSteps: 12 });
    for (const e of events) expect(e.run).toBe(runId);

    // What the process recorded equals the walk computed from its definition.
    const ref = walkReference(7, 2, 12);
    const series = storedSeries(home, runId);
    expect(series.walk).toEqual(ref.steps.map((s, i) => [s, ref.walk[i]]));
    expect(series.loss).toEqual(ref.steps.map((s, i) => [s, ref.loss[i]]));

    const show = await lsr(home, ['runs', 'show', runId, '--json']);
    const shown = JSON.parse(show.stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ id: runId, status: 'finished', reason: null, step: 12 });
    expect(shown.config).toMatchObject({ kind: 'test-walk', model: 'some/backbone', dataset: 'toy', k: 2, seed: 7, steps: 12, checkpointEvery: 5, train: {} });
    expect((shown.checkpoints as { step: number; path: string }[]).map((c) => c.step)).toEqual([5, 10, 12]);
    for (const c of shown.checkpoints as { path: string }[]) expect(fs.existsSync(path.join(c.path, 'state.json'))).toBe(true);
    const history = withStore(home, (s) => s.runs.history(runId).map((h) => h.to));
    expect(history).toEqual(['queued', 'running', 'finished']);
  });

  it('a k sweep of 3 queues three runs with one sweep id and trains them in order; stdout ends with the last id', async () => {
    const r = await lsr(home, ['train', ...WALK, '--k', '1,4,16', '--steps', '6', '--name', 'walk']);
    expect(r.status).toBe(0);
    const ids = r.stdout.trim().split('\n');
    expect(ids).toHaveLength(3);
    const list = await lsr(home, ['runs', 'list', '--json']);
    const runs = (JSON.parse(list.stdout) as { id: string; name: string; status: string; config: { k: number } }[]).reverse();
    expect(runs.map((x) => x.id)).toEqual(ids);
    expect(runs.map((x) => x.name)).toEqual(['walk-k1', 'walk-k4', 'walk-k16']);
    expect(runs.map((x) => x.config.k)).toEqual([1, 4, 16]);
    expect(runs.map((x) => x.status)).toEqual(['finished', 'finished', 'finished']);
    const records = withStore(home, (s) => ids.map((id) => s.runs.require(id)));
    expect(new Set(records.map((x) => x.sweepId)).size).toBe(1);
    expect(records[0].sweepId).not.toBeNull();
    // One after another: each started after the previous one ended.
    for (let i = 1; i < 3; i++) expect(Date.parse(records[i].startedAt!)).toBeGreaterThanOrEqual(Date.parse(records[i - 1].endedAt!));
    // Each run walked with its own k.
    for (const [i, k] of [1, 4, 16].entries()) {
      const ref = walkReference(42, k, 6);
      expect(storedSeries(home, ids[i]).walk.map(([, v]) => v)).toEqual(ref.walk);
    }
    expect(r.stderr).toContain('walk-k16');
  });

  it('a sweep with --json prints one end event per run, in order, the last line the last run', async () => {
    const r = await lsr(home, ['train', ...WALK, '--seed', '1,2', '--steps', '3', '--json']);
    expect(r.status).toBe(0);
    const events = jsonLines(r.stdout);
    const queued = events.filter((e) => e.event === 'queued');
    expect(queued.map((e) => e.name)).toEqual(['toy-s1', 'toy-s2']);
    const ends = events.filter((e) => e.event === 'end');
    expect(ends).toEqual(queued.map((q) => ({ event: 'end', run: q.run, status: 'finished' })));
    expect(events.at(-1)).toEqual(ends[1]);
  });

  it('`lsr runs cancel` from another process stops the run at a step boundary with a checkpoint', async () => {
    const training = lsr(home, ['train', ...WALK, '--steps', '100000', '--checkpoint-every', '1000', '--json']);
    let runId = '';
    await waitFor('the run to record a few steps', () =>
      withStore(home, (s) => {
        const run = s.runs.list()[0];
        runId = run?.id ?? '';
        return run !== undefined && run.status === 'running' && (run.lastStep ?? 0) >= 3;
      }),
    );
    const cancel = spawnLsr(home, ['runs', 'cancel', runId]);
    let out = '';
    cancel.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const cancelStatus = await new Promise<number | null>((res) => cancel.on('close', res));
    expect(cancelStatus).toBe(0);
    expect(out).toContain('cancel requested');
    const r = await training;
    expect(r.status).toBe(1);
    expect(jsonLines(r.stdout).at(-1)).toEqual({ event: 'end', run: runId, status: 'cancelled' });
    const { run, checkpoints, series } = withStore(home, (s) => ({
      run: s.runs.require(runId),
      checkpoints: s.checkpoints.list(runId),
      series: s.metrics.series(runId, { names: ['walk'] })[0],
    }));
    expect(run.status).toBe('cancelled');
    expect(run.reason).toBe('cancelled by user');
    expect(run.lastStep).toBeLessThan(100000);
    // The checkpoint is at the step it stopped at, and every step up to it was recorded.
    expect(checkpoints.map((c) => c.step)).toEqual([run.lastStep]);
    expect(series.steps).toEqual(Array.from({ length: run.lastStep! }, (_, i) => i + 1));
    expect(series.values).toEqual(walkReference(42, 1, run.lastStep!).walk);
  });

  it('Ctrl-C cancels cleanly (exit 130); collapse and failure are recorded with their reason and step', async () => {
    const ctrlC = new AbortController();
    const training = lsr(home, ['train', ...WALK, '--steps', '100000', '--name', 'interrupted-by-user'], ctrlC.signal);
    await waitFor('the run to start', () => withStore(home, (s) => (s.runs.list()[0]?.lastStep ?? 0) >= 2));
    ctrlC.abort();
    const r = await training;
    expect(r.status).toBe(130);
    const cancelled = withStore(home, (s) => s.runs.resolve('interrupted-by-user'));
    expect(cancelled.status).toBe('cancelled');
    expect(withStore(home, (s) => s.checkpoints.latest(cancelled.id)?.step)).toBe(cancelled.lastStep);

    const cfg = path.join(home, 'collapse.json');
    fs.writeFileSync(cfg, JSON.stringify({ kind: 'test-walk', model: 'm', dataset: 'toy', name: 'c', steps: 50, train: { collapseAtStep: 4 } }));
    const collapsed = await lsr(home, ['train', '--config', cfg, '--json']);
    expect(collapsed.status).toBe(0);
    const c = withStore(home, (s) => s.runs.resolve('c'));
    expect([c.status, c.reason, c.lastStep]).toEqual(['collapsed', 'the walk left its box', 4]);
    expect(withStore(home, (s) => s.runs.history(c.id).at(-1))).toMatchObject({ to: 'collapsed', step: 4 });

    fs.writeFileSync(cfg, JSON.stringify({ kind: 'test-walk', model: 'm', dataset: 'toy', name: 'f', steps: 50, train: { failAtStep: 3 } }));
    const failed = await lsr(home, ['train', '--config', cfg]);
    expect(failed.status).toBe(1);
    const f = withStore(home, (s) => s.runs.resolve('f'));
    expect([f.status, f.reason, f.lastStep]).toEqual(['failed', 'the walk failed on purpose at step 3', 3]);
    expect(failed.stdout.trim().split('\n').at(-1)).toBe(f.id);
  });

  it('a run whose process is killed while it is followed is marked interrupted', async () => {
    const training = lsr(home, ['train', ...WALK, '--steps', '100000', '--json']);
    let pid = 0;
    await waitFor('the run to start', () =>
      withStore(home, (s) => {
        const run = s.runs.list()[0];
        pid = run?.pid ?? 0;
        return run?.status === 'running' && (run.lastStep ?? 0) >= 1;
      }),
    );
    process.kill(pid, 'SIGKILL');
    const r = await training;
    expect(r.status).toBe(1);
    const end = jsonLines(r.stdout).at(-1)!;
    expect(end).toMatchObject({ event: 'end', status: 'interrupted' });
    const run = withStore(home, (s) => s.runs.require(end.run as string));
    expect(run.status).toBe('interrupted');
    expect(run.reason).toContain(`pid ${pid}`);
  });
});

describe('lsr train: bad input exits 2 before anything is stored', () => {
  const cases: [string, unknown, RegExp][] = [
    ['an unknown field', { model: 'm', dataset: 'd', lr: 1 }, /field "lr": unknown field/],
    ['a bad k in a list', { model: 'm', dataset: 'd', k: [1, -4] }, /field "k\[1\]": k must be a positive number/],
    ['a bad executor setting', { kind: 'test-walk', model: 'm', dataset: 'd', train: { sleepMs: -1 } }, /field "train.sleepMs"/],
    ['an unknown kind', { kind: 'nope', model: 'm', dataset: 'd' }, /field "kind": no executor for kind "nope"/],
  ];
  for (const [what, config, message] of cases) {
    it(what, async () => {
      const file = path.join(home, 'bad.json');
      fs.writeFileSync(file, JSON.stringify(config));
      const r = await lsr(home, ['train', '--config', file]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      if (what !== 'an unknown kind') expect(r.stderr).toContain(file);
      expect(withStore(home, (s) => s.runs.list())).toEqual([]);
    });
  }

  it('a JSON syntax error names the file and line; a missing dataset names the flag', async () => {
    const file = path.join(home, 'broken.json');
    fs.writeFileSync(file, '{\n  "model": "m",\n  "k": 4,,\n}\n');
    const r = await lsr(home, ['train', '--config', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}:3`);
    const missing = await lsr(home, ['train', '--model', 'm']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('field "--dataset"');
  });
});
