import { describe, expect, it } from 'vitest';
import type { DatasetRecord } from '../../../src/core/data/dataset-record.ts';
import { InputError } from '../../../src/core/errors.ts';
import { useTempStore } from '../../helpers/temp-home.ts';

const ws = useTempStore();

describe('checkpoints', () => {
  it('round-trip, in step order; the latest; same step replaces', () => {
    const run = ws.store.runs.create({ config: {} }).id;
    ws.store.checkpoints.add(run, 200, '/w/runs/r/checkpoints/200');
    ws.clock.advance(1000);
    ws.store.checkpoints.add(run, 100, '/w/runs/r/checkpoints/100');
    ws.reopen();
    expect(ws.store.checkpoints.list(run)).toEqual([
      { runId: run, step: 100, path: '/w/runs/r/checkpoints/100', createdAt: '2025-01-02T03:04:06.000Z' },
      { runId: run, step: 200, path: '/w/runs/r/checkpoints/200', createdAt: '2025-01-02T03:04:05.000Z' },
    ]);
    expect(ws.store.checkpoints.latest(run)?.step).toBe(200);
    ws.store.checkpoints.add(run, 200, '/elsewhere');
    expect(ws.store.checkpoints.get(run, 200)?.path).toBe('/elsewhere');
    expect(ws.store.checkpoints.remove(run, 100)).toBe(true);
    expect(ws.store.checkpoints.list(run).map((c) => c.step)).toEqual([200]);
    expect(ws.store.checkpoints.latest(ws.store.runs.create({ config: {} }).id)).toBeUndefined();
  });
});

describe('evaluations', () => {
  it('round-trip with per-query metrics kept apart; latest per dataset and split', () => {
    const run = ws.store.runs.create({ config: {} }).id;
    const perQuery = { q1: { 'ndcg@10': 1, 'mrr@10': 1 }, q2: { 'ndcg@10': 0.5, 'mrr@10': 0.25 } };
    const e1 = ws.store.evaluations.add({ runId: run, step: 100, dataset: 'cranfield', split: 'test', metrics: { 'ndcg@10': 0.2, map: 0.1 }, perQuery });
    ws.store.evaluations.add({ runId: run, step: 200, dataset: 'cranfield', split: 'test', metrics: { 'ndcg@10': 0.3, map: 0.2 } });
    ws.store.evaluations.add({ runId: run, step: 100, dataset: 'med', split: 'test', metrics: { 'ndcg@10': 0.4 } });
    ws.reopen();
    expect(ws.store.evaluations.get(e1.id)).toEqual({
      id: e1.id,
      runId: run,
      step: 100,
      dataset: 'cranfield',
      split: 'test',
      metrics: { 'ndcg@10': 0.2, map: 0.1 },
      createdAt: '2025-01-02T03:04:05.000Z',
    });
    expect(ws.store.evaluations.perQuery(e1.id)).toEqual(perQuery);
    expect(ws.store.evaluations.list(run).map((e) => [e.step, e.dataset])).toEqual([
      [100, 'cranfield'],
      [100, 'med'],
      [200, 'cranfield'],
    ]);
    expect(ws.store.evaluations.latest(run).map((e) => [e.step, e.dataset, e.metrics['ndcg@10']])).toEqual([
      [100, 'med', 0.4],
      [200, 'cranfield', 0.3],
    ]);
    expect(ws.store.evaluations.remove(e1.id)).toBe(true);
    expect(ws.store.evaluations.perQuery(e1.id)).toBeUndefined();
  });
});

describe('datasets', () => {
  const record: DatasetRecord = {
    name: 'cranfield',
    format: 'smart',
    source: '/data/cranfield',
    path: '/w/datasets/cranfield',
    docs: 1400,
    queries: 225,
    splits: { test: 1837 },
    trainingExamples: 0,
    skippedLines: 2,
    importedAt: '2025-01-02T03:04:05.000Z',
  };

  it('add, get, list, remove; a taken name needs replace', () => {
    ws.store.datasets.add(record);
    ws.store.datasets.add({ ...record, name: 'adi', docs: 82, queries: 35, splits: { test: 170, dev: 3 } });
    ws.reopen();
    expect(ws.store.datasets.get('cranfield')).toEqual(record);
    expect(ws.store.datasets.list().map((d) => [d.name, d.splits])).toEqual([
      ['adi', { test: 170, dev: 3 }],
      ['cranfield', { test: 1837 }],
    ]);
    expect(() => ws.store.datasets.add(record)).toThrow(InputError);
    ws.store.datasets.add({ ...record, docs: 1398 }, { replace: true });
    expect(ws.store.datasets.get('cranfield')?.docs).toBe(1398);
    expect(ws.store.datasets.remove('cranfield')).toBe(true);
    expect(ws.store.datasets.remove('cranfield')).toBe(false);
    expect(ws.store.datasets.get('cranfield')).toBeUndefined();
  });
});

describe('settings', () => {
  it('round-trip JSON values', () => {
    ws.store.settings.set('backend', 'wasm');
    ws.store.settings.set('charts', { smoothing: 0.6, series: ['loss', 'lr'] });
    ws.store.settings.set('workers', 2);
    ws.store.settings.set('workers', 3);
    ws.reopen();
    expect(ws.store.settings.get('backend')).toBe('wasm');
    expect(ws.store.settings.get('charts')).toEqual({ smoothing: 0.6, series: ['loss', 'lr'] });
    expect(ws.store.settings.all()).toEqual({ backend: 'wasm', charts: { smoothing: 0.6, series: ['loss', 'lr'] }, workers: 3 });
    expect(ws.store.settings.get('missing')).toBeUndefined();
    expect(ws.store.settings.delete('backend')).toBe(true);
    expect(ws.store.settings.get('backend')).toBeUndefined();
    expect(() => ws.store.settings.set('bad', undefined)).toThrow(/JSON/);
  });
});
