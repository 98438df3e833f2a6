import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetRecord } from '../../../src/core/data/dataset-record.ts';
import { InputError } from '../../../src/core/errors.ts';
import { Store } from '../../../src/core/store/store.ts';
import { manualClock, tempHome } from './temp-home.ts';

let home: string;
let cleanup: () => void;
let store: Store;
let clock: ReturnType<typeof manualClock>;
beforeEach(() => {
  ({ home, cleanup } = tempHome());
  clock = manualClock();
  store = Store.open(home, { clock: clock.now });
});
afterEach(() => {
  store.close();
  cleanup();
});

/** Every record survives closing and reopening the database. */
function reopen(): void {
  store.close();
  store = Store.open(home, { clock: clock.now });
}

describe('checkpoints', () => {
  it('round-trip, in step order; the latest; same step replaces', () => {
    const run = store.runs.create({ config: {} }).id;
    store.checkpoints.add(run, 200, '/w/runs/r/checkpoints/200');
    clock.advance(1000);
    store.checkpoints.add(run, 100, '/w/runs/r/checkpoints/100');
    reopen();
    expect(store.checkpoints.list(run)).toEqual([
      { runId: run, step: 100, path: '/w/runs/r/checkpoints/100', createdAt: '2025-01-02T03:04:06.000Z' },
      { runId: run, step: 200, path: '/w/runs/r/checkpoints/200', createdAt: '2025-01-02T03:04:05.000Z' },
    ]);
    expect(store.checkpoints.latest(run)?.step).toBe(200);
    store.checkpoints.add(run, 200, '/elsewhere');
    expect(store.checkpoints.get(run, 200)?.path).toBe('/elsewhere');
    expect(store.checkpoints.remove(run, 100)).toBe(true);
    expect(store.checkpoints.list(run).map((c) => c.step)).toEqual([200]);
    expect(store.checkpoints.latest(store.runs.create({ config: {} }).id)).toBeUndefined();
  });
});

describe('evaluations', () => {
  it('round-trip with per-query metrics kept apart; latest per dataset and split', () => {
    const run = store.runs.create({ config: {} }).id;
    const perQuery = { q1: { 'ndcg@10': 1, 'mrr@10': 1 }, q2: { 'ndcg@10': 0.5, 'mrr@10': 0.25 } };
    const e1 = store.evaluations.add({ runId: run, step: 100, dataset: 'cranfield', split: 'test', metrics: { 'ndcg@10': 0.2, map: 0.1 }, perQuery });
    store.evaluations.add({ runId: run, step: 200, dataset: 'cranfield', split: 'test', metrics: { 'ndcg@10': 0.3, map: 0.2 } });
    store.evaluations.add({ runId: run, step: 100, dataset: 'med', split: 'test', metrics: { 'ndcg@10': 0.4 } });
    reopen();
    expect(store.evaluations.get(e1.id)).toEqual({
      id: e1.id,
      runId: run,
      step: 100,
      dataset: 'cranfield',
      split: 'test',
      metrics: { 'ndcg@10': 0.2, map: 0.1 },
      createdAt: '2025-01-02T03:04:05.000Z',
    });
    expect(store.evaluations.perQuery(e1.id)).toEqual(perQuery);
    expect(store.evaluations.list(run).map((e) => [e.step, e.dataset])).toEqual([
      [100, 'cranfield'],
      [100, 'med'],
      [200, 'cranfield'],
    ]);
    expect(store.evaluations.latest(run).map((e) => [e.step, e.dataset, e.metrics['ndcg@10']])).toEqual([
      [100, 'med', 0.4],
      [200, 'cranfield', 0.3],
    ]);
    expect(store.evaluations.remove(e1.id)).toBe(true);
    expect(store.evaluations.perQuery(e1.id)).toBeUndefined();
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
    store.datasets.add(record);
    store.datasets.add({ ...record, name: 'adi', docs: 82, queries: 35, splits: { test: 170, dev: 3 } });
    reopen();
    expect(store.datasets.get('cranfield')).toEqual(record);
    expect(store.datasets.list().map((d) => [d.name, d.splits])).toEqual([
      ['adi', { test: 170, dev: 3 }],
      ['cranfield', { test: 1837 }],
    ]);
    expect(() => store.datasets.add(record)).toThrow(InputError);
    store.datasets.add({ ...record, docs: 1398 }, { replace: true });
    expect(store.datasets.get('cranfield')?.docs).toBe(1398);
    expect(store.datasets.remove('cranfield')).toBe(true);
    expect(store.datasets.remove('cranfield')).toBe(false);
    expect(store.datasets.get('cranfield')).toBeUndefined();
  });
});

describe('settings', () => {
  it('round-trip JSON values', () => {
    store.settings.set('backend', 'wasm');
    store.settings.set('charts', { smoothing: 0.6, series: ['loss', 'lr'] });
    store.settings.set('workers', 2);
    store.settings.set('workers', 3);
    reopen();
    expect(store.settings.get('backend')).toBe('wasm');
    expect(store.settings.get('charts')).toEqual({ smoothing: 0.6, series: ['loss', 'lr'] });
    expect(store.settings.all()).toEqual({ backend: 'wasm', charts: { smoothing: 0.6, series: ['loss', 'lr'] }, workers: 3 });
    expect(store.settings.get('missing')).toBeUndefined();
    expect(store.settings.delete('backend')).toBe(true);
    expect(store.settings.get('backend')).toBeUndefined();
    expect(() => store.settings.set('bad', undefined)).toThrow(/JSON/);
  });
});
