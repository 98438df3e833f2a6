import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiHarness, failure, type ApiHarness } from './api-harness.ts';
import { seedRun } from '../../helpers/seed-runs.ts';
import { configDiff, flattenConfig } from '../../../src/core/api/config-diff.ts';

let api: ApiHarness;
beforeEach(() => {
  api = apiHarness();
});
afterEach(() => api.close());

describe('config diff', () => {
  it('flattens nested objects to dotted keys; arrays and empty objects stay whole', () => {
    expect([...flattenConfig({ a: 1, train: { lr: 2e-5, collapse: { patience: 20 } }, tags: ['x', 'y'], extra: {} })]).toEqual([
      ['a', 1],
      ['train.lr', 2e-5],
      ['train.collapse.patience', 20],
      ['tags', ['x', 'y']],
      ['extra', {}],
    ]);
  });

  it('keeps only the keys that differ, a missing key differing from any value', () => {
    const diff = configDiff([
      { k: 1, model: 'bert', train: { lr: 2e-5, batchSize: 16 }, list: [1, 2], obj: { b: 1, a: 2 } },
      { k: 16, model: 'bert', train: { lr: 2e-5, batchSize: 32, warmup: 10 }, list: [1, 2], obj: { a: 2, b: 1 } },
      { k: 16, model: 'bert', train: { lr: 2e-5, batchSize: 16 }, list: [2, 1], obj: { a: 2, b: 1 } },
    ]);
    expect(diff.rows).toEqual([
      { key: 'k', values: [{ present: true, value: 1 }, { present: true, value: 16 }, { present: true, value: 16 }] },
      { key: 'list', values: [{ present: true, value: [1, 2] }, { present: true, value: [1, 2] }, { present: true, value: [2, 1] }] },
      { key: 'train.batchSize', values: [{ present: true, value: 16 }, { present: true, value: 32 }, { present: true, value: 16 }] },
      { key: 'train.warmup', values: [{ present: false }, { present: true, value: 10 }, { present: false }] },
    ]);
    // model, obj.a, obj.b, train.lr
    expect(diff.sameCount).toBe(4);
  });

  it('diffs stored runs through compare.configDiff', async () => {
    const store = api.workspace.store;
    const a = seedRun(store, { name: 'a', model: 'bert-tiny', k: 1 });
    const b = seedRun(store, { name: 'b', model: 'bert-tiny', k: 16, train: { lr: 5e-5 } });
    const diff = await api.call('compare.configDiff', { runIds: [a.id, b.id] });
    expect(diff.runIds).toEqual([a.id, b.id]);
    // Compared by effective settings: lr given on both sides; everything else the same defaults.
    expect(diff.rows.map((r) => [r.key, ...r.values.map((v) => (v.present ? v.value : '—'))])).toEqual([
      ['k', 1, 16],
      ['lr', 2e-5, 5e-5],
    ]);
    expect(diff.sameCount).toBeGreaterThan(30);
    // One run stating the default learning rate and one leaving it out do not differ.
    const c = seedRun(store, { name: 'c', model: 'bert-tiny', k: 1, train: { lr: 2e-5, batchSize: 32 } });
    const d = store.runs.create({ name: 'd', config: { kind: 'splade', model: 'bert-tiny', dataset: 'cranfield', k: 1, seed: 42, steps: 100, checkpointEvery: 50, evalEvery: 0, train: {} } });
    expect((await api.call('compare.configDiff', { runIds: [c.id, d.id] })).rows).toEqual([]);
    expect(await failure(api.call('compare.configDiff', { runIds: [a.id] }))).toEqual({ code: 'bad_request', message: 'compare.configDiff: params.runIds needs at least two runs' });
    expect((await failure(api.call('compare.configDiff', { runIds: [a.id, 'gone'] }))).code).toBe('not_found');
  });
});

describe('compare.perQuery', () => {
  const perQueryA = { q1: { 'ndcg@10': 0.5, 'mrr@10': 1 }, q2: { 'ndcg@10': 0.2, 'mrr@10': 0.5 }, q3: { 'ndcg@10': 0.9, 'mrr@10': 1 }, q4: { 'ndcg@10': 0.4, 'mrr@10': 0.25 } };
  const perQueryB = { q1: { 'ndcg@10': 0.75, 'mrr@10': 1 }, q2: { 'ndcg@10': 0.2, 'mrr@10': 1 }, q3: { 'ndcg@10': 0.6, 'mrr@10': 0.5 }, q5: { 'ndcg@10': 1, 'mrr@10': 1 } };

  it('gives b − a per query, largest first, with wins, losses and ties, from the latest evaluations on the same split', async () => {
    const store = api.workspace.store;
    const a = seedRun(store, {
      name: 'a',
      model: 'm',
      k: 1,
      evaluations: [
        { step: 5, dataset: 'med', split: 'test', metrics: { 'ndcg@10': 0 }, perQuery: { q1: { 'ndcg@10': 0 } } },
        { step: 10, dataset: 'med', split: 'test', metrics: { 'ndcg@10': 0.5 }, perQuery: perQueryA },
        { step: 10, dataset: 'adi', split: 'test', metrics: { 'ndcg@10': 0.5 }, perQuery: { z: { 'ndcg@10': 1 } } },
      ],
    });
    const b = seedRun(store, { name: 'b', model: 'm', k: 16, evaluations: [{ step: 10, dataset: 'med', split: 'test', metrics: { 'ndcg@10': 0.6 }, perQuery: perQueryB }] });
    const diff = await api.call('compare.perQuery', { runA: a.id, runB: b.id });
    expect([diff.dataset, diff.split, diff.metric, diff.metrics]).toEqual(['med', 'test', 'ndcg@10', ['mrr@10', 'ndcg@10']]);
    // Hand-computed: q1 +0.25, q2 0, q3 −0.3; q4 only in a, q5 only in b.
    expect(diff.rows.map((r) => [r.queryId, r.a, r.b, r.delta === null ? null : Number(r.delta.toFixed(10))])).toEqual([
      ['q1', 0.5, 0.75, 0.25],
      ['q2', 0.2, 0.2, 0],
      ['q3', 0.9, 0.6, -0.3],
      ['q4', 0.4, null, null],
      ['q5', null, 1, null],
    ]);
    expect([diff.better, diff.worse, diff.tied]).toEqual([1, 1, 1]);
    expect(diff.a).toMatchObject({ runId: a.id, step: 10, queries: 4 });
    expect(diff.a.mean).toBeCloseTo((0.5 + 0.2 + 0.9 + 0.4) / 4, 12);
    expect(diff.b.mean).toBeCloseTo((0.75 + 0.2 + 0.6 + 1) / 4, 12);

    const mrr = await api.call('compare.perQuery', { runA: a.id, runB: b.id, dataset: 'med', split: 'test', metric: 'mrr@10' });
    expect(mrr.rows.slice(0, 3).map((r) => [r.queryId, r.delta])).toEqual([
      ['q2', 0.5],
      ['q1', 0],
      ['q3', -0.5],
    ]);
    expect(await failure(api.call('compare.perQuery', { runA: a.id, runB: b.id, dataset: 'adi' }))).toEqual({
      code: 'not_found',
      message: `runs ${a.id} and ${b.id} have no evaluations with per-query values on the same dataset split (adi)`,
    });
    expect((await failure(api.call('compare.perQuery', { runA: a.id, runB: b.id, metric: 'map' }))).message).toBe(
      'the per-query values of med/test have no "map" in both runs (they have: mrr@10, ndcg@10)',
    );
  });
});
