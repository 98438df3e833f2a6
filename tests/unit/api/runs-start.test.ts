import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStartParams } from '../../../src/shared/contract.ts';
import { importAndRegister } from '../../../src/core/data/register-dataset.ts';
import { writeTinyBert, type TinyCheckpoint } from '../../helpers/tiny-checkpoint.ts';
import { engineHarness, waitFor, type EngineHarness } from './engine-harness.ts';
import { failure } from './api-harness.ts';

const ADI = path.resolve(import.meta.dirname, '../../../data/adi');

let ckpt: TinyCheckpoint;
let api: EngineHarness;

/** A run small enough to train in seconds: ADI's only split, two queries a batch, short inputs. */
function tinyRun(overrides: Partial<RunStartParams> = {}): RunStartParams {
  return {
    models: [ckpt.dir],
    dataset: 'adi',
    ks: [2],
    steps: 3,
    checkpointEvery: 3,
    backend: 'wasm',
    train: { split: 'test', batchSize: 2, maxQueryLength: 16, maxDocLength: 32, evalSplit: 'test' },
    ...overrides,
  };
}

beforeAll(async () => {
  ckpt = writeTinyBert({ seed: 3 });
  api = engineHarness();
  await importAndRegister(api.home, 'smart', ADI, { name: 'adi' });
});
afterAll(async () => {
  await api.close();
  fs.rmSync(ckpt.dir, { recursive: true, force: true });
});

describe('runs.plan', () => {
  it('expands lists of k and seeds into the runs a sweep would create, named as `lsr train` names them', async () => {
    const plan = await api.call('runs.plan', tinyRun({ ks: [1, 4, 16], seeds: [1, 2], name: 'demo' }));
    expect(plan.sweep).toBe(true);
    expect(plan.runs.map((r) => [r.name, r.k, r.seed])).toEqual([
      ['demo-k1-s1', 1, 1],
      ['demo-k1-s2', 1, 2],
      ['demo-k4-s1', 4, 1],
      ['demo-k4-s2', 4, 2],
      ['demo-k16-s1', 16, 1],
      ['demo-k16-s2', 16, 2],
    ]);
    expect(plan.runs.every((r) => r.model === ckpt.dir)).toBe(true);
    const single = await api.call('runs.plan', tinyRun());
    expect(single).toEqual({ sweep: false, runs: [{ name: null, model: ckpt.dir, k: 2, seed: 42 }] });
    expect(api.workspace.store.runs.list()).toEqual([]);
  });

  it('refuses bad settings naming the field, before anything is stored', async () => {
    const cases: [Partial<RunStartParams>, string][] = [
      [{ train: { lr: -1 } }, 'field "train.lr": must be > 0'],
      [{ train: { warmupSteps: 10 } }, 'field "train.warmupSteps": must be ≤ steps (3)'],
      [{ train: { learningRate: 1 } }, 'field "train.learningRate": unknown field'],
      [{ ks: [1, 0] }, 'field "ks[1]": k must be a positive number, got 0'],
      [{ ks: [4, 4] }, 'field "ks": lists the same value twice'],
      [{ models: ['/no/such/model'] }, 'field "models[0]": no such model folder "/no/such/model" (nor a hub id org/name[@revision] or run:<id>[@step])'],
      [{ models: ['run:nope'] }, 'field "models[0]": unknown run "nope"'],
      [{ dataset: 'nope' }, 'field "dataset": no dataset named "nope" and no such folder (registered: adi; see lsr data import)'],
    ];
    for (const [change, message] of cases) {
      expect(await failure(api.call('runs.start', tinyRun(change)))).toEqual({ code: 'bad_request', message });
    }
    expect(api.workspace.store.runs.list()).toEqual([]);
  });
});

describe('runs.start', () => {
  let runId: string;

  it('trains a 3-step run on a tiny BERT and ADI in its own process, to `finished` in the store', async () => {
    const started = await api.call('runs.start', tinyRun({ name: 'tiny', tags: ['api'] }));
    expect(started.sweepId).toBeNull();
    expect(started.runIds).toHaveLength(1);
    runId = started.runIds[0]!;
    const store = api.workspace.store;
    await waitFor('the run to end', () => ['finished', 'failed', 'collapsed', 'interrupted'].includes(store.runs.require(runId).status));
    const run = store.runs.require(runId);
    expect([run.status, run.reason, run.lastStep, run.name, run.tags]).toEqual(['finished', null, 3, 'tiny', ['api']]);
    expect(run.config).toMatchObject({ kind: 'splade', model: ckpt.dir, dataset: 'adi', k: 2, seed: 42, steps: 3, backend: 'wasm', train: { batchSize: 2 } });
    expect(run.pid).not.toBe(process.pid);
    const losses = store.metrics.series(runId, { names: ['loss'] })[0]!;
    expect(losses.steps).toEqual([1, 2, 3]);
    expect(losses.values.every((v) => Number.isFinite(v))).toBe(true);
    expect(store.metrics.series(runId, { names: ['rescale_k'] })[0]!.values).toEqual([2, 2, 2]);
    const checkpoint = store.checkpoints.latest(runId)!;
    expect(checkpoint.step).toBe(3);
    expect(fs.existsSync(path.join(checkpoint.path, 'model.safetensors'))).toBe(true);
    expect(store.evaluations.list(runId).map((e) => [e.step, e.dataset, e.split])).toEqual([[3, 'adi', 'test']]);
    // What the run's process said on the way, and the store watcher's news.
    const progress = api.eventsOf('runs.progress').filter((p) => p.runId === runId);
    expect(progress[0]!.message).toMatch(/^training in process \d+$/);
    expect(progress.at(-1)).toMatchObject({ step: 3, totalSteps: 3 });
    await waitFor('runs.changed for the end', () => api.eventsOf('runs.changed').some((e) => e.runIds.includes(runId)) && api.workspace.store.runs.require(runId).status === 'finished', 5000);
  });

  it("inspects the run's checkpoint through run:<id>, and refuses to resume a finished run", async () => {
    const terms = await api.call('inspect.terms', { model: `run:${runId}`, text: 'information retrieval', kind: 'query', top: 5 });
    expect(terms.folder).toBe(api.workspace.store.checkpoints.latest(runId)!.path);
    expect(terms.terms).toHaveLength(5);
    expect(await failure(api.call('runs.resume', { runId }))).toMatchObject({ code: 'bad_request', message: expect.stringContaining('is finished; only a cancelled, interrupted or queued run can be resumed') as string });
    expect(await failure(api.call('runs.resume', { runId: 'nope' }))).toEqual({ code: 'not_found', message: 'unknown run "nope"' });
  });

  it('a server shutdown stops a training run cleanly at a step (checkpoint, cancelled), and runs.resume continues it', async () => {
    const long = await api.call('runs.start', tinyRun({ steps: 1000, checkpointEvery: 1000, collapse: { action: 'continue' } }));
    const id = long.runIds[0]!;
    const store = api.workspace.store;
    await waitFor('a few steps', () => (store.runs.require(id).lastStep ?? 0) >= 2);
    await api.lifecycle.close();
    const run = store.runs.require(id);
    expect([run.status, run.reason]).toEqual(['cancelled', 'cancelled by user']);
    expect(store.checkpoints.latest(id)!.step).toBe(run.lastStep);

    // A fresh API on the same workspace (the server started again) resumes it from that checkpoint.
    const again = engineHarness({}, api.home);
    try {
      const resumed = await again.call('runs.resume', { runId: id });
      expect(resumed).toEqual({ runId: id, startStep: run.lastStep });
      await waitFor('the resumed run to train on', () => (again.workspace.store.runs.require(id).lastStep ?? 0) > run.lastStep!);
      expect(await failure(again.call('runs.resume', { runId: id }))).toEqual({ code: 'conflict', message: `run ${id} is already queued or training in this workbench` });
    } finally {
      await again.close();
    }
    expect(store.runs.require(id).status).toBe('cancelled');
  });
});
