import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoRegistered } from '../../../src/core/demo/register.ts';
import type { RunProcess, RunProcessExit, RunProcessOptions } from '../../../src/core/runs/launch.ts';
import { makeDemoDir } from '../demo/demo-fixture.ts';
import { failure } from './api-harness.ts';
import { engineHarness, type EngineHarness } from './engine-harness.ts';

let demoDir: string;
let api: EngineHarness;
const started: string[] = [];
const cores: (number | undefined)[] = [];

/** Stands in for a training process that never gets anywhere: it only ends when asked to (at shutdown). */
function idleStart(o: RunProcessOptions): RunProcess {
  started.push(o.runId);
  cores.push(o.cores);
  let end: (exit: RunProcessExit) => void = () => {};
  const exited = new Promise<RunProcessExit>((resolve) => (end = resolve));
  const stop = () => end({ code: 1, signal: null, end: undefined });
  return { pid: undefined, cancel: stop, kill: stop, exited };
}

beforeAll(async () => {
  demoDir = makeDemoDir();
  api = engineHarness({ startRun: idleStart });
});
afterAll(async () => {
  await api.close();
  fs.rmSync(demoDir, { recursive: true, force: true });
});

describe('demo.info and demo.run', () => {
  it('says the demo is not ready on a workspace where it is not registered, and demo.run refuses', async () => {
    const info = await api.call('demo.info', {});
    expect(info).toEqual({ datasets: [], backbones: [], ready: false, plan: [], sweep: null, active: false });
    expect(await failure(api.call('demo.run', {}))).toMatchObject({ code: 'bad_request', message: expect.stringContaining('not registered') as string });
  });

  it('lists the registered datasets and backbones and the 7 planned runs', async () => {
    await ensureDemoRegistered(api.home, { demoDir });
    const info = await api.call('demo.info', {});
    expect(info.datasets.map((d) => d.name)).toEqual(['cranfield', 'med']);
    for (const d of info.datasets) expect(fs.existsSync(d.path)).toBe(true);
    expect(info.backbones.map((b) => [b.id, b.path])).toEqual([
      ['bert-mini', path.join(demoDir, 'models/bert-mini')],
      ['modernbert-mini', path.join(demoDir, 'models/modernbert-mini')],
    ]);
    const mb = path.join(demoDir, 'models/modernbert-mini');
    const bb = path.join(demoDir, 'models/bert-mini');
    expect(info.ready).toBe(true);
    expect(info.plan.map((r) => [r.name, r.kind, r.backbone, r.k])).toEqual([
      ['demo-bm25', 'bm25', 'bm25', null],
      ['demo-k1-modernbert-mini', 'splade', mb, 1],
      ['demo-k4-modernbert-mini', 'splade', mb, 4],
      ['demo-k16-modernbert-mini', 'splade', mb, 16],
      ['demo-k1-bert-mini', 'splade', bb, 1],
      ['demo-k4-bert-mini', 'splade', bb, 4],
      ['demo-k16-bert-mini', 'splade', bb, 16],
    ]);
    expect(info.sweep).toBeNull();
  });

  it('creates 7 queued runs in one sweep, trains two at a time from the API queue, and refuses a second demo meanwhile', async () => {
    const { sweepId, runIds } = await api.call('demo.run', {});
    expect(runIds).toHaveLength(7);
    const store = api.workspace.store;
    const runs = runIds.map((id) => store.runs.require(id));
    expect(runs.map((r) => [r.name, r.status, r.sweepId, r.tags])).toEqual(
      ['demo-bm25', 'demo-k1-modernbert-mini', 'demo-k4-modernbert-mini', 'demo-k16-modernbert-mini', 'demo-k1-bert-mini', 'demo-k4-bert-mini', 'demo-k16-bert-mini'].map((n) => [n, 'queued', sweepId, ['demo']]),
    );
    expect(runs[0]!.config).toMatchObject({ kind: 'bm25', dataset: 'cranfield', train: { evalSplit: 'test', evalExtra: ['med'] } });
    expect(runs[3]!.config).toMatchObject({
      kind: 'splade',
      model: path.join(demoDir, 'models/modernbert-mini'),
      dataset: 'cranfield',
      k: 16,
      seed: 42,
      steps: 100,
      train: { split: 'train', batchSize: 16, lr: 5e-4, lambdaQ: 5e-3, lambdaD: 5e-3, evalDataset: 'cranfield', evalSplit: 'test', evalExtra: ['med'] },
    });
    // maxParallel 2: the first two went to (stand-in) processes, the rest wait in the queue.
    expect(started).toEqual(runIds.slice(0, 2));
    // Each of the two gets half the cores for its data-parallel workers.
    expect(cores).toEqual([0, 0].map(() => Math.max(1, Math.floor(os.availableParallelism() / 2))));

    const info = await api.call('demo.info', {});
    expect(info.active).toBe(true);
    expect(info.sweep).toEqual({ sweepId, runs: runs.map((r) => ({ runId: r.id, name: r.name, status: 'queued' })) });
    expect(await failure(api.call('demo.run', {}))).toMatchObject({ code: 'conflict' });
    expect(store.runs.list()).toHaveLength(7);
  });
});
