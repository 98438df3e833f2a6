import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Store } from '../../../../src/core/store/store.ts';
import { lsrIn } from '../../../helpers/run-cli.ts';
import { useTempHome } from '../../../helpers/temp-home.ts';

const home = useTempHome();

const lsr = (...argv: string[]) => lsrIn(home(), argv);

const SHOW_KEYS = ['id', 'name', 'status', 'reason', 'config', 'step', 'metrics', 'checkpoints', 'evaluations', 'sweep', 'tags', 'created'];

const configK1 = { backbone: 'prajjwal1/bert-tiny', k: 1, hyperparameters: { lr: 2e-5, steps: 100 }, seed: 7, backend: 'wasm' };
const configK16 = { ...configK1, k: 16 };

/** Two runs: one finished with metrics, checkpoints and evaluations, one queued. */
function seed(): { done: string; queued: string } {
  const store = Store.open(home());
  const done = store.runs.create({ name: 'k1', config: configK1 }).id;
  store.runs.transition(done, 'running');
  const w = store.metricsWriter(done);
  w.append(1, { loss: 2.5, lr: 1e-5 });
  w.append(2, { loss: 1.5, lr: 2e-5, 'nnz/query': 40 });
  w.close();
  store.checkpoints.add(done, 1, '/ckpt/1');
  store.checkpoints.add(done, 2, '/ckpt/2');
  store.evaluations.add({ runId: done, step: 1, dataset: 'cranfield', split: 'test', metrics: { 'ndcg@10': 0.1 } });
  store.evaluations.add({ runId: done, step: 2, dataset: 'cranfield', split: 'test', metrics: { 'ndcg@10': 0.2 } });
  store.runs.transition(done, 'finished', { step: 2 });
  const queued = store.runs.create({ name: 'k16', config: configK16, sweepId: 'sw1', tags: ['a'] }).id;
  store.close();
  return { done, queued };
}

describe('lsr runs show', () => {
  it('--json prints the contract object', async () => {
    const { done } = seed();
    const r = await lsr('runs', 'show', done, '--json');
    expect(r.status).toBe(0);
    const shown = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(shown)).toEqual(SHOW_KEYS);
    expect(shown).toEqual({
      id: done,
      name: 'k1',
      status: 'finished',
      reason: null,
      config: configK1,
      step: 2,
      metrics: { loss: 1.5, lr: 2e-5, 'nnz/query': 40 },
      checkpoints: [
        { step: 1, path: '/ckpt/1' },
        { step: 2, path: '/ckpt/2' },
      ],
      evaluations: [
        { step: 1, dataset: 'cranfield', split: 'test', metrics: { 'ndcg@10': 0.1 } },
        { step: 2, dataset: 'cranfield', split: 'test', metrics: { 'ndcg@10': 0.2 } },
      ],
      sweep: null,
      tags: [],
      created: expect.any(String) as unknown,
    });
  });

  it('accepts a unique name, prints a human view without --json, and exits 2 for an unknown run', async () => {
    const { done } = seed();
    const human = await lsr('runs', 'show', 'k1');
    expect(human.status).toBe(0);
    expect(human.out).toContain(`run       ${done}`);
    expect(human.out).toMatch(/status\s+finished/);
    expect(human.out).toMatch(/loss\s+1\.5/);
    expect(human.out).toContain('running → finished at step 2');
    const unknown = await lsr('runs', 'show', 'no-such-run', '--json');
    expect(unknown.status).toBe(2);
    expect(unknown.out).toBe('');
    expect(unknown.err).toContain('unknown run "no-such-run"');
    expect((await lsr('runs', 'show')).status).toBe(2);
  });
});

describe('lsr runs list', () => {
  it('--json prints an array of contract objects, newest first, with the latest evaluation', async () => {
    const { done, queued } = seed();
    const r = await lsr('runs', 'list', '--json');
    expect(r.status).toBe(0);
    const list = JSON.parse(r.out) as Record<string, unknown>[];
    expect(list.map((x) => x.id)).toEqual([queued, done]);
    for (const item of list) expect(Object.keys(item)).toEqual(SHOW_KEYS);
    expect(list[0]).toMatchObject({ id: queued, name: 'k16', status: 'queued', reason: null, config: configK16, step: null, metrics: {}, checkpoints: [], evaluations: [], sweep: 'sw1', tags: ['a'] });
    expect(list[1]).toMatchObject({ sweep: null, tags: [] });
    expect(Date.parse(list[0]!.created as string)).not.toBeNaN();
    const bySweep = JSON.parse((await lsr('runs', 'list', '--json', '--sweep', 'sw1')).out) as { id: string }[];
    expect(bySweep.map((x) => x.id)).toEqual([queued]);
    expect(list[1]).toMatchObject({
      status: 'finished',
      config: configK1,
      step: 2,
      metrics: { loss: 1.5, lr: 2e-5, 'nnz/query': 40 },
      evaluations: [{ step: 2, dataset: 'cranfield', split: 'test', metrics: { 'ndcg@10': 0.2 } }],
    });
    const filtered = JSON.parse((await lsr('runs', 'list', '--json', '--status', 'queued')).out) as { id: string }[];
    expect(filtered.map((x) => x.id)).toEqual([queued]);
    expect((await lsr('runs', 'list', '--status', 'bogus')).status).toBe(2);
  });

  it('prints a table without --json, and an empty workspace lists nothing', async () => {
    expect(JSON.parse((await lsr('runs', 'list', '--json')).out)).toEqual([]);
    const { done, queued } = seed();
    const r = await lsr('runs', 'list');
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0].split(/\s+/)).toEqual(['ID', 'NAME', 'STATUS', 'STEP', 'K', 'BACKBONE', 'NDCG@10', 'CREATED']);
    expect(lines[1]).toMatch(new RegExp(`^${queued}\\s+k16\\s+queued\\s+-\\s+16\\s+prajjwal1/bert-tiny\\s+-`));
    expect(lines[2]).toMatch(new RegExp(`^${done}\\s+k1\\s+finished\\s+2\\s+1\\s+prajjwal1/bert-tiny\\s+0\\.2000 \\(cranfield\\)`));
  });

  it('marks runs whose process died as interrupted before listing', async () => {
    const store = Store.open(home());
    const run = store.runs.create({ config: {} }).id;
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    store.runs.transition(run, 'running', { pid: dead });
    store.close();
    const [item] = JSON.parse((await lsr('runs', 'list', '--json')).out) as { status: string; reason: string }[];
    expect(item.status).toBe('interrupted');
    expect(item.reason).toBe(`its process (pid ${dead}) is no longer running`);
  });
});

describe('lsr runs cancel', () => {
  it('cancels a queued run at once; a finished run is left alone; an unknown run exits 2', async () => {
    const { done, queued } = seed();
    const r = await lsr('runs', 'cancel', queued);
    expect(r.status).toBe(0);
    expect(r.out).toContain('cancelled');
    const store = Store.open(home());
    expect(store.runs.require(queued)).toMatchObject({ status: 'cancelled', reason: 'cancelled by user' });
    store.close();
    const again = await lsr('runs', 'cancel', done, '--json');
    expect(JSON.parse(again.out)).toEqual({ id: done, status: 'finished', outcome: 'already-ended', signalled: false });
    const unknown = await lsr('runs', 'cancel', 'nope');
    expect(unknown.status).toBe(2);
    expect(unknown.err).toContain('unknown run "nope"');
  });

  it('asks a running run to stop: sets the flag and sends SIGTERM to its live process', async () => {
    const child = spawn(
      process.execPath,
      ['-e', `process.on('SIGTERM', () => { process.stdout.write('got SIGTERM'); process.exit(0); }); process.stdout.write('ready'); setInterval(() => {}, 1000);`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));

    const store = Store.open(home());
    const run = store.runs.create({ config: {} }).id;
    store.runs.transition(run, 'running', { pid: child.pid! });
    store.close();

    const r = await lsr('runs', 'cancel', run, '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ id: run, status: 'running', outcome: 'requested', signalled: true });
    expect(await exited).toBe(0);
    expect(out).toBe('readygot SIGTERM');
    const after = Store.open(home());
    expect(after.runs.isCancelRequested(run)).toBe(true);
    after.close();
  });
});
