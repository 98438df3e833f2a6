import { describe, expect, it } from 'vitest';
import type { RunRow } from '../../../src/shared/contract.ts';
import { ApiError } from '../../../src/shared/api-error.ts';
import { useCompareStore } from '../../../src/renderer/src/stores/compare-store.ts';
import { createFakeTransport, installFake } from '../support/fake-transport.ts';
import { evaluation, runDetail, runRow } from '../support/run-rows.ts';

const A = runRow({ id: 'a', name: 'k1', evaluations: [evaluation({ dataset: 'med', metrics: { 'ndcg@10': 0.3 } })] });
const B = runRow({ id: 'b', name: 'k16', config: { kind: 'splade', model: 'bert', k: 16, train: {} }, evaluations: [evaluation({ dataset: 'med', metrics: { 'ndcg@10': 0.35 } })] });
const BM25 = runRow({ id: 'z', name: 'bm25-med', config: { kind: 'bm25', dataset: 'med' }, evaluations: [evaluation({ dataset: 'med', metrics: { 'ndcg@10': 0.28 } })] });
const BM25_OTHER = runRow({ id: 'y', name: 'bm25-adi', config: { kind: 'bm25', dataset: 'adi' }, evaluations: [evaluation({ dataset: 'adi', metrics: { 'ndcg@10': 0.2 } })] });

function backend(rows: RunRow[]) {
  const fake = createFakeTransport({
    'runs.get': ({ runId }) => runDetail(rows.find((r) => r.id === runId)!),
    'runs.list': () => rows,
    'runs.metricNames': ({ runId }) => (runId === 'a' ? ['loss', 'lr'] : ['grad_norm', 'loss']),
    'runs.series': ({ runId, names }) => ({
      runId,
      lastStep: 2,
      series: (names ?? []).map((name) => ({ name, steps: [1, 2], values: runId === 'a' ? [2, null] : [3, 1], wallTimes: [0, 0] })),
    }),
    'compare.configDiff': ({ runIds }) => ({ runIds, rows: [{ key: 'k', values: [{ present: true, value: 1 }, { present: true, value: 16 }] }], sameCount: 7 }),
    'compare.perQuery': (p) => {
      if (p.runB === 'missing') throw new ApiError('not_found', 'runs a and missing have no evaluations with per-query values on the same dataset split (med/test)');
      return {
        dataset: p.dataset ?? '',
        split: p.split ?? '',
        metric: p.metric ?? 'ndcg@10',
        a: { runId: p.runA, evaluationId: 1, step: 1, mean: 0.3, queries: 1 },
        b: { runId: p.runB, evaluationId: 2, step: 1, mean: 0.35, queries: 1 },
        rows: [{ queryId: 'q1', a: 0.3, b: 0.35, delta: 0.05 }],
        better: 1,
        worse: 0,
        tied: 0,
        metrics: ['ndcg@10'],
      };
    },
  });
  installFake(fake);
  return fake;
}

describe('compare store', () => {
  it('loads the runs in order, their config diff, curves of one metric, and the baselines of the chosen split', async () => {
    const fake = backend([A, B, BM25, BM25_OTHER]);
    const compare = useCompareStore();
    await compare.load(['b', 'a']);
    expect(compare.runs.map((r) => r.name)).toEqual(['k16', 'k1']);
    expect(compare.metricNames).toEqual(['grad_norm', 'loss', 'lr']);
    expect(compare.metric).toBe('loss');
    expect(compare.configDiff?.rows.map((r) => r.key)).toEqual(['k']);
    expect(fake.calls.find((c) => c.method === 'compare.configDiff')?.params).toEqual({ runIds: ['b', 'a'] });
    expect(compare.split).toEqual({ dataset: 'med', split: 'test' });
    expect(compare.splitBaselines.map((r) => r.name)).toEqual(['bm25-med']);
    expect(compare.curves).toEqual([
      { name: 'k16', points: [[1, 3], [2, 1]] },
      // NaN (null) points are not drawn.
      { name: 'k1', points: [[1, 2]] },
    ]);

    await compare.setMetric('grad_norm');
    expect(fake.calls.filter((c) => c.method === 'runs.series').slice(-2).map((c) => c.params)).toEqual([
      { runId: 'b', names: ['grad_norm'], maxPoints: 1000 },
      { runId: 'a', names: ['grad_norm'], maxPoints: 1000 },
    ]);
  });

  it('asks for per-query differences on the chosen split and keeps a refusal as a message', async () => {
    const fake = backend([A, B]);
    const compare = useCompareStore();
    await compare.load(['a', 'b']);
    await compare.loadPerQuery('a', 'b', 'ndcg@10');
    expect(fake.calls.at(-1)).toEqual({ method: 'compare.perQuery', params: { runA: 'a', runB: 'b', dataset: 'med', split: 'test', metric: 'ndcg@10' } });
    expect(compare.perQuery?.better).toBe(1);
    await compare.loadPerQuery('a', 'missing', 'ndcg@10');
    expect(compare.perQuery).toBeNull();
    expect(compare.perQueryError).toBe('runs a and missing have no evaluations with per-query values on the same dataset split (med/test)');
  });

  it('shows no config diff for a single run', async () => {
    const fake = backend([A]);
    const compare = useCompareStore();
    await compare.load(['a']);
    expect(compare.configDiff).toBeNull();
    expect(fake.calls.some((c) => c.method === 'compare.configDiff')).toBe(false);
  });
});
