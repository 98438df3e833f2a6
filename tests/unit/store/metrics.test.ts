import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Store } from '../../../src/core/store/store.ts';
import { tempHome } from '../../helpers/temp-home.ts';

let home: string;
let cleanup: () => void;
let store: Store;
let runId: string;
beforeEach(() => {
  ({ home, cleanup } = tempHome());
  store = Store.open(home);
  runId = store.runs.create({ config: {} }).id;
  store.runs.transition(runId, 'running');
});
afterEach(() => {
  vi.useRealTimers();
  store.close();
  cleanup();
});

/** Rows as another process sees them: through a separate connection. */
function countFromOutside(): number {
  const reader = new Database(store.file, { readonly: true });
  try {
    return (reader.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?').get(runId) as { n: number }).n;
  } finally {
    reader.close();
  }
}

describe('MetricsWriter', () => {
  it('buffers appends and writes them in one transaction within the flush interval', () => {
    vi.useFakeTimers();
    const batches: number[] = [];
    const insertBatch = store.metrics.insertBatch.bind(store.metrics);
    vi.spyOn(store.metrics, 'insertBatch').mockImplementation((id, rows) => {
      batches.push(rows.length);
      insertBatch(id, rows);
    });
    const writer = store.metricsWriter(runId, { flushIntervalMs: 1000 });
    for (let step = 1; step <= 10; step++) {
      writer.append(step, { loss: 1 / step, 'lambda/q': 5e-4 * Math.min(1, step / 10) ** 2, lr: 2e-5 });
      vi.advanceTimersByTime(50);
    }
    // 500 ms after the first append: nothing written yet.
    expect(countFromOutside()).toBe(0);
    expect(writer.pending).toBe(30);
    vi.advanceTimersByTime(499);
    expect(countFromOutside()).toBe(0);
    vi.advanceTimersByTime(1);
    // At 1000 ms after the first append: everything, in one batch, visible to another connection.
    expect(batches).toEqual([30]);
    expect(countFromOutside()).toBe(30);
    expect(writer.pending).toBe(0);
    expect(store.runs.require(runId).lastStep).toBe(10);
    writer.append(11, { loss: 0.05 });
    vi.advanceTimersByTime(1000);
    expect(batches).toEqual([30, 1]);
    writer.close();
  });

  it('loses nothing on close and refuses appends afterwards', () => {
    const writer = store.metricsWriter(runId, { flushIntervalMs: 60_000 });
    const expected: Record<string, number[]> = { loss: [], nnz: [] };
    for (let step = 0; step < 250; step++) {
      const values = { loss: Math.exp(-step / 50), nnz: 30_522 - step * 100 };
      writer.append(step, values);
      expected.loss.push(values.loss);
      expected.nnz.push(values.nnz);
    }
    expect(countFromOutside()).toBe(0);
    writer.close();
    expect(countFromOutside()).toBe(500);
    const series = store.metrics.series(runId, { names: ['loss', 'nnz'] });
    expect(series.map((s) => s.name)).toEqual(['loss', 'nnz']);
    expect(series[0].steps).toEqual([...Array(250).keys()]);
    expect(series[0].values).toEqual(expected.loss);
    expect(series[1].values).toEqual(expected.nnz);
    expect(() => writer.append(250, { loss: 0 })).toThrow(/closed/);
  });

  it('flushes early when the buffer is large', () => {
    const writer = store.metricsWriter(runId, { flushIntervalMs: 60_000, maxBufferedRows: 10 });
    for (let step = 0; step < 4; step++) writer.append(step, { a: 1, b: 2, c: 3 });
    expect(countFromOutside()).toBe(12);
    expect(writer.pending).toBe(0);
    writer.close();
  });

  it('keeps its rows when the database is locked, and writes them once it is free', () => {
    store.close();
    store = Store.open(home, { busyTimeoutMs: 50 });
    const writer = store.metricsWriter(runId, { flushIntervalMs: 60_000 });
    writer.append(1, { loss: 1 });
    writer.append(2, { loss: 0.5 });
    const holder = new Database(store.file);
    holder.exec('BEGIN IMMEDIATE');
    expect(() => writer.flush()).toThrow(/locked/);
    writer.append(3, { loss: 0.25 });
    expect(writer.pending).toBe(3);
    holder.exec('ROLLBACK');
    holder.close();
    writer.close();
    expect(store.metrics.series(runId, { names: ['loss'] })[0]).toMatchObject({ steps: [1, 2, 3], values: [1, 0.5, 0.25] });
  });

  it('a timer flush that fails reports through onError and retries', () => {
    vi.useFakeTimers();
    store.close();
    store = Store.open(home, { busyTimeoutMs: 10 });
    const errors: unknown[] = [];
    const writer = store.metricsWriter(runId, { flushIntervalMs: 100, onError: (e) => errors.push(e) });
    writer.append(1, { loss: 1 });
    const holder = new Database(store.file);
    holder.exec('BEGIN IMMEDIATE');
    vi.advanceTimersByTime(100);
    expect(errors).toHaveLength(1);
    expect(writer.pending).toBe(1);
    holder.exec('ROLLBACK');
    holder.close();
    vi.advanceTimersByTime(100);
    expect(writer.pending).toBe(0);
    expect(countFromOutside()).toBe(1);
    writer.close();
  });

  it('rejects a bad step or value', () => {
    const writer = store.metricsWriter(runId);
    expect(() => writer.append(-1, { loss: 1 })).toThrow(/step/);
    expect(() => writer.append(1.5, { loss: 1 })).toThrow(/step/);
    expect(() => writer.append(1, { '': 1 })).toThrow(/name/);
    expect(() => writer.append(1, { loss: '1' as unknown as number })).toThrow(/number/);
    writer.close();
  });
});

describe('MetricsRepo', () => {
  it('keeps NaN and ±Infinity, and a re-recorded step replaces the old value', () => {
    store.metrics.insertBatch(runId, [
      { step: 1, name: 'loss', value: NaN, wallTime: 1000 },
      { step: 2, name: 'loss', value: Infinity, wallTime: 2000 },
      { step: 3, name: 'loss', value: -Infinity, wallTime: 3000 },
      { step: 4, name: 'loss', value: 0.5, wallTime: 4000 },
    ]);
    store.metrics.insertBatch(runId, [{ step: 4, name: 'loss', value: 0.25, wallTime: 5000 }]);
    const [s] = store.metrics.series(runId, { names: ['loss'] });
    expect(s.steps).toEqual([1, 2, 3, 4]);
    expect(s.values).toEqual([NaN, Infinity, -Infinity, 0.25]);
    expect(s.wallTimes).toEqual([1000, 2000, 3000, 5000]);
  });

  it('last(): the value at the highest step of each metric, per run', () => {
    const other = store.runs.create({ config: {} }).id;
    store.metrics.insertBatch(runId, [
      { step: 10, name: 'loss', value: 3, wallTime: 0 },
      { step: 30, name: 'loss', value: 1, wallTime: 0 },
      { step: 20, name: 'loss', value: 2, wallTime: 0 },
      { step: 20, name: 'eval/ndcg@10', value: 0.31, wallTime: 0 },
    ]);
    store.metrics.insertBatch(other, [{ step: 99, name: 'loss', value: 7, wallTime: 0 }]);
    expect(store.metrics.last(runId)).toEqual({ 'eval/ndcg@10': { step: 20, value: 0.31 }, loss: { step: 30, value: 1 } });
    expect(store.metrics.names(runId)).toEqual(['eval/ndcg@10', 'loss']);
    expect(store.metrics.last(other)).toEqual({ loss: { step: 99, value: 7 } });
  });

  it('series since a step, and downsampled into buckets of consecutive steps (mean, min, max)', () => {
    const n = 1003;
    const value = (step: number) => Math.sin(step / 17) * 10 + (step === 501 ? 1000 : 0);
    const rows = [];
    for (let step = 0; step < n; step++) rows.push({ step, name: 'loss', value: value(step), wallTime: 1_000_000 + step });
    rows.push({ step: 5, name: 'lr', value: 1, wallTime: 0 });
    store.metrics.insertBatch(runId, rows);

    const since = store.metrics.series(runId, { names: ['loss'], sinceStep: 1000 })[0];
    expect(since.steps).toEqual([1001, 1002]);
    expect(since.values).toEqual([value(1001), value(1002)]);
    expect(since.min).toBeUndefined();

    // Reference: buckets of width ceil(1003 / 100) = 11 steps starting at step 0.
    const width = 11;
    const ref = { steps: [] as number[], mean: [] as number[], min: [] as number[], max: [] as number[] };
    for (let start = 0; start < n; start += width) {
      const vs = [];
      for (let s = start; s < Math.min(n, start + width); s++) vs.push(value(s));
      ref.steps.push(Math.min(n, start + width) - 1);
      ref.mean.push(vs.reduce((a, b) => a + b, 0) / vs.length);
      ref.min.push(Math.min(...vs));
      ref.max.push(Math.max(...vs));
    }
    const [loss, lr] = store.metrics.series(runId, { names: ['loss', 'lr'], maxPoints: 100 });
    expect(loss.steps).toEqual(ref.steps);
    expect(loss.steps.length).toBeLessThanOrEqual(100);
    loss.values.forEach((v, i) => expect(v).toBeCloseTo(ref.mean[i], 9));
    expect(loss.min).toEqual(ref.min);
    expect(loss.max).toEqual(ref.max);
    // The spike at step 501 survives in its bucket's max.
    expect(Math.max(...loss.max!)).toBe(value(501));
    expect(loss.wallTimes.at(-1)).toBe(1_000_000 + n - 1);
    // A short series is returned whole.
    expect(lr).toMatchObject({ steps: [5], values: [1] });
    expect(lr.min).toBeUndefined();
    expect(store.metrics.series(runId, { names: ['missing'] })[0].steps).toEqual([]);
  });

  it('a downsampled bucket holding a NaN reads NaN', () => {
    const rows = [];
    for (let step = 0; step < 40; step++) rows.push({ step, name: 'loss', value: step === 12 ? NaN : 1, wallTime: 0 });
    store.metrics.insertBatch(runId, rows);
    const [s] = store.metrics.series(runId, { names: ['loss'], maxPoints: 4 });
    expect(s.steps).toEqual([9, 19, 29, 39]);
    expect(s.values).toEqual([1, NaN, 1, 1]);
  });

  it('rewindRun forgets what was recorded after a checkpoint', () => {
    const rows = [];
    for (let step = 1; step <= 10; step++) rows.push({ step, name: 'loss', value: step, wallTime: 0 });
    store.metrics.insertBatch(runId, rows);
    store.checkpoints.add(runId, 5, '/c5');
    store.checkpoints.add(runId, 10, '/c10');
    store.evaluations.add({ runId, step: 5, dataset: 'd', split: 'test', metrics: { map: 0.1 } });
    store.evaluations.add({ runId, step: 8, dataset: 'd', split: 'test', metrics: { map: 0.2 } });
    store.rewindRun(runId, 5);
    expect(store.metrics.series(runId)[0].steps).toEqual([1, 2, 3, 4, 5]);
    expect(store.checkpoints.list(runId).map((c) => c.step)).toEqual([5]);
    expect(store.evaluations.list(runId).map((e) => e.step)).toEqual([5]);
    expect(store.runs.require(runId).lastStep).toBe(5);
  });
});
