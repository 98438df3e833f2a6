import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { apiHarness, failure, type ApiHarness } from './api-harness.ts';
import { seedRun, trainingMetrics } from '../../helpers/seed-runs.ts';

const EVAL_A = { 'ndcg@10': 0.31, 'mrr@10': 0.52, doc_nnz_mean: 140.5, flops: 3.25, queries: 3 };

let api: ApiHarness;
beforeEach(() => {
  api = apiHarness();
});
afterEach(() => api.close());

describe('runs.list', () => {
  it('lists runs newest first with their last metric values and latest evaluation per split', async () => {
    const store = api.workspace.store;
    const a = seedRun(store, {
      name: 'k1',
      model: 'bert-tiny',
      k: 1,
      recordedSteps: 30,
      tags: ['baseline-k'],
      evaluations: [
        { step: 10, dataset: 'cranfield', split: 'test', metrics: { 'ndcg@10': 0.2 } },
        { step: 30, dataset: 'cranfield', split: 'test', metrics: EVAL_A },
        { step: 30, dataset: 'med', split: 'test', metrics: { 'ndcg@10': 0.4 } },
      ],
    });
    const b = seedRun(store, { name: 'k16', model: 'bert-tiny', k: 16, recordedSteps: 12, status: 'running', notes: 'watch the nnz' });

    const rows = await api.call('runs.list', {});
    expect(rows.map((r) => [r.name, r.status, r.step])).toEqual([
      ['k16', 'running', 12],
      ['k1', 'finished', 30],
    ]);
    const rowA = rows[1];
    expect(rowA.id).toBe(a.id);
    expect(rowA.config).toMatchObject({ model: 'bert-tiny', k: 1, train: { lr: 2e-5, batchSize: 16 } });
    // The last values are the formula's at the last step, independent of how the store reads them.
    const expected = trainingMetrics(30, 1);
    expect(Object.keys(rowA.lastMetrics).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, value] of Object.entries(expected)) expect(rowA.lastMetrics[name]).toBeCloseTo(value, 12);
    expect(rowA.evaluations.map((e) => [e.dataset, e.step, e.metrics['ndcg@10']])).toEqual([
      ['cranfield', 30, 0.31],
      ['med', 30, 0.4],
    ]);
    expect(rowA.evaluations[0].metrics).toEqual(EVAL_A);
    expect(rowA.evaluations[0].hasPerQuery).toBe(false);
    expect(rows[0].id).toBe(b.id);
    expect(rows[0].cancelRequested).toBe(false);
  });

  it('filters by status, tag and text', async () => {
    const store = api.workspace.store;
    seedRun(store, { name: 'alpha', model: 'm', k: 1, tags: ['sweep-1'] });
    seedRun(store, { name: 'beta', model: 'm', k: 4, status: 'collapsed', reason: 'vectors all zero', notes: 'too much FLOPS weight' });
    seedRun(store, { name: 'gamma', model: 'm', k: 16, status: 'failed', reason: 'out of memory', tags: ['sweep-1'] });
    const names = async (filter: Parameters<ApiHarness['call']>[1]) =>
      (await api.call('runs.list', filter as never)).map((r) => r.name).sort();
    expect(await names({ status: ['collapsed', 'failed'] })).toEqual(['beta', 'gamma']);
    expect(await names({ tag: 'sweep-1' })).toEqual(['alpha', 'gamma']);
    expect(await names({ text: 'flops' })).toEqual(['beta']);
    expect(await names({ text: 'SWEEP', status: ['finished'] })).toEqual(['alpha']);
    expect(await failure(api.call('runs.list', { status: ['done'] } as never))).toEqual({
      code: 'bad_request',
      message: 'runs.list: params.status[0] must be one of queued, running, finished, failed, collapsed, cancelled, interrupted',
    });
  });
});

describe('runs.get', () => {
  it('shows why and at which step a run collapsed, its checkpoints and history', async () => {
    const store = api.workspace.store;
    const run = seedRun(store, { name: 'c', model: 'm', k: 64, recordedSteps: 40, status: 'collapsed', reason: 'document vectors all zero for 20 steps', endStep: 37 });
    store.checkpoints.add(run.id, 20, '/ws/runs/x/checkpoints/step-20');
    const detail = await api.call('runs.get', { runId: run.id });
    expect(detail.status).toBe('collapsed');
    expect(detail.reason).toBe('document vectors all zero for 20 steps');
    expect(detail.history.map((h) => [h.from, h.to, h.step, h.reason])).toEqual([
      [null, 'queued', null, null],
      ['queued', 'running', null, null],
      ['running', 'collapsed', 37, 'document vectors all zero for 20 steps'],
    ]);
    expect(detail.checkpoints.map((c) => [c.step, c.path])).toEqual([[20, '/ws/runs/x/checkpoints/step-20']]);
    expect(await failure(api.call('runs.get', { runId: 'nope' }))).toEqual({ code: 'not_found', message: 'unknown run "nope"' });
    expect((await failure(api.call('runs.get', { runId: '' }))).message).toBe('runs.get: params.runId must not be empty');
  });
});

describe('runs.series', () => {
  it('returns every point, only those after sinceStep, or bucket means with extremes', async () => {
    const store = api.workspace.store;
    const run = seedRun(store, { name: 's', model: 'm', k: 1, status: 'running' });
    // x = step at steps 1..10, y = NaN at step 4.
    store.metrics.insertBatch(
      run.id,
      Array.from({ length: 10 }, (_, i) => [
        { step: i + 1, name: 'x', value: i + 1, wallTime: 1000 + i },
        { step: i + 1, name: 'y', value: i + 1 === 4 ? NaN : 10 * (i + 1), wallTime: 1000 + i },
      ]).flat(),
    );
    const all = await api.call('runs.series', { runId: run.id });
    expect(all.lastStep).toBe(10);
    expect(all.series.map((s) => s.name)).toEqual(['x', 'y']);
    expect(all.series[0].steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(all.series[1].values).toEqual([10, 20, 30, null, 50, 60, 70, 80, 90, 100]);

    const since = await api.call('runs.series', { runId: run.id, names: ['x'], sinceStep: 7 });
    expect(since.series).toEqual([{ name: 'x', steps: [8, 9, 10], values: [8, 9, 10], wallTimes: [1007, 1008, 1009] }]);

    // 10 steps into at most 5 points: buckets of 2 steps, (1,2) (3,4) … → means 1.5, 3.5, …
    const down = await api.call('runs.series', { runId: run.id, names: ['x', 'y'], maxPoints: 5 });
    expect(down.series[0]).toMatchObject({ steps: [2, 4, 6, 8, 10], values: [1.5, 3.5, 5.5, 7.5, 9.5], min: [1, 3, 5, 7, 9], max: [2, 4, 6, 8, 10] });
    // A bucket holding a NaN has a NaN mean (null on the wire), its extremes over the finite values.
    expect(down.series[1]).toMatchObject({ values: [15, null, 55, 75, 95], min: [10, 30, 50, 70, 90], max: [20, 30, 60, 80, 100] });

    expect((await failure(api.call('runs.series', { runId: run.id, sinceStep: 1.5 }))).message).toBe('runs.series: params.sinceStep must be an integer');
    expect((await failure(api.call('runs.series', { runId: run.id, maxPoints: 1 }))).message).toBe('runs.series: params.maxPoints must be >= 2');
  });

  it('lists metric names and evaluations with whether per-query values are stored', async () => {
    const store = api.workspace.store;
    const run = seedRun(store, {
      name: 'e',
      model: 'm',
      k: 1,
      recordedSteps: 3,
      evaluations: [
        { step: 2, dataset: 'med', split: 'test', metrics: { 'ndcg@10': 0.1 } },
        { step: 3, dataset: 'med', split: 'test', metrics: { 'ndcg@10': 0.2 }, perQuery: { q1: { 'ndcg@10': 0.2 } } },
      ],
    });
    expect(await api.call('runs.metricNames', { runId: run.id })).toEqual(Object.keys(trainingMetrics(1, 1)).sort());
    const evals = await api.call('runs.evaluations', { runId: run.id });
    expect(evals.map((e) => [e.step, e.metrics['ndcg@10'], e.hasPerQuery])).toEqual([
      [2, 0.1, false],
      [3, 0.2, true],
    ]);
  });
});

describe('runs.updateMeta, runs.cancel, runs.delete', () => {
  it('edits name, tags and notes; refuses a blank name', async () => {
    const run = seedRun(api.workspace.store, { name: 'old', model: 'm', k: 1 });
    const row = await api.call('runs.updateMeta', { runId: run.id, name: ' new name ', tags: ['a', ' b ', 'a', ' '], notes: 'k=1 reference' });
    expect([row.name, row.tags, row.notes]).toEqual(['new name', ['a', 'b'], 'k=1 reference']);
    const again = await api.call('runs.updateMeta', { runId: run.id, notes: '' });
    expect([again.name, again.tags, again.notes]).toEqual(['new name', ['a', 'b'], '']);
    expect(await failure(api.call('runs.updateMeta', { runId: run.id, name: '   ' }))).toEqual({ code: 'bad_request', message: 'runs.updateMeta: params.name must not be blank' });
  });

  it('asks a running run to stop, cancels a queued one at once, leaves an ended one', async () => {
    const store = api.workspace.store;
    const running = seedRun(store, { name: 'r', model: 'm', k: 1, status: 'running' });
    const queued = seedRun(store, { name: 'q', model: 'm', k: 1, status: 'queued' });
    const done = seedRun(store, { name: 'd', model: 'm', k: 1 });
    const r = await api.call('runs.cancel', { runId: running.id });
    expect([r.outcome, r.run.status, r.run.cancelRequested]).toEqual(['requested', 'running', true]);
    expect(store.runs.isCancelRequested(running.id)).toBe(true);
    const q = await api.call('runs.cancel', { runId: queued.id });
    expect([q.outcome, q.run.status]).toEqual(['cancelled', 'cancelled']);
    const d = await api.call('runs.cancel', { runId: done.id });
    expect([d.outcome, d.run.status]).toEqual(['already-ended', 'finished']);
  });

  it('refuses to delete a running or queued run; deletes an ended one with, on request, its folder only', async () => {
    const store = api.workspace.store;
    const running = seedRun(store, { name: 'r', model: 'm', k: 1, status: 'running' });
    const queued = seedRun(store, { name: 'q', model: 'm', k: 1, status: 'queued' });
    const done = seedRun(store, { name: 'd', model: 'm', k: 1, recordedSteps: 5, evaluations: [{ step: 5, dataset: 'med', split: 'test', metrics: { 'ndcg@10': 0.3 } }] });
    const keep = seedRun(store, { name: 'keep', model: 'm', k: 1 });
    for (const id of [done.id, keep.id]) {
      fs.mkdirSync(path.join(api.home, 'runs', id, 'checkpoints', 'step-5'), { recursive: true });
      fs.writeFileSync(path.join(api.home, 'runs', id, 'checkpoints', 'step-5', 'model.safetensors'), 'x');
    }
    expect(await failure(api.call('runs.delete', { runId: running.id }))).toEqual({
      code: 'conflict',
      message: `run ${running.id} is running; cancel it and wait until it stops before deleting it`,
    });
    expect((await failure(api.call('runs.delete', { runId: queued.id }))).code).toBe('conflict');
    expect(await api.call('runs.delete', { runId: done.id, removeFiles: true })).toEqual({ runId: done.id, removedFiles: true });
    expect(store.runs.get(done.id)).toBeUndefined();
    expect(store.evaluations.list(done.id)).toEqual([]);
    expect(store.metrics.names(done.id)).toEqual([]);
    expect(fs.existsSync(path.join(api.home, 'runs', done.id))).toBe(false);
    expect(fs.existsSync(path.join(api.home, 'runs', keep.id, 'checkpoints', 'step-5', 'model.safetensors'))).toBe(true);
    expect(await api.call('runs.delete', { runId: keep.id })).toEqual({ runId: keep.id, removedFiles: false });
    expect(fs.existsSync(path.join(api.home, 'runs', keep.id))).toBe(true);
    expect((await failure(api.call('runs.delete', { runId: done.id }))).code).toBe('not_found');
  });
});

describe('datasets.list', () => {
  it('lists registered datasets by name', async () => {
    const record = { format: 'smart' as const, source: '/src', path: '/ws/datasets/x', docs: 1400, queries: 225, splits: { test: 1837 }, trainingExamples: 0, skippedLines: 0, importedAt: '2025-01-01T00:00:00.000Z' };
    api.workspace.store.datasets.add({ ...record, name: 'med' });
    api.workspace.store.datasets.add({ ...record, name: 'cranfield' });
    const list = await api.call('datasets.list', {});
    expect(list.map((d) => d.name)).toEqual(['cranfield', 'med']);
    expect(list[0]).toEqual({ name: 'cranfield', format: 'smart', docs: 1400, queries: 225, splits: { test: 1837 }, trainingExamples: 0, importedAt: '2025-01-01T00:00:00.000Z' });
  });
});
