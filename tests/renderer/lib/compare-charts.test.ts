import { describe, expect, it } from 'vitest';
import { kChartSeries, runMetric, sharedSplits, sparsityPoints } from '../../../src/renderer/src/lib/compare-charts.ts';
import { groupMetrics } from '../../../src/renderer/src/lib/metric-groups.ts';
import { evaluation, runRow } from '../support/run-rows.ts';

const run = (id: string, model: string, k: number, ndcg: number | null, extra: Record<string, number> = {}, dataset = 'cranfield') =>
  runRow({
    id,
    name: id,
    config: { kind: 'splade', model, k, train: {} },
    lastMetrics: { d_nnz_mean: 100 / k },
    evaluations: ndcg === null ? [] : [evaluation({ dataset, metrics: { 'ndcg@10': ndcg, ...extra } })],
  });

describe('compare charts', () => {
  const runs = [
    run('b16', '/m/bert', 16, 0.34),
    run('b1', '/m/bert', 1, 0.3),
    run('b4s1', '/m/bert', 4, 0.31),
    run('b4s2', '/m/bert', 4, 0.33),
    run('m1', 'org/modernbert@main', 1, 0.36),
    run('m2', 'org/modernbert@main', 2, null),
  ];

  it('draws one line per backbone through k in order, averaging runs that share a k', () => {
    const series = kChartSeries(runs, 'ndcg@10', { dataset: 'cranfield', split: 'test' });
    expect(series.map((s) => s.name)).toEqual(['bert', 'modernbert']);
    expect(series[0].points.map(([k, v]) => [k, Number(v.toFixed(10))])).toEqual([
      [1, 0.3],
      [4, 0.32],
      [16, 0.34],
    ]);
    expect(series[1].points).toEqual([[1, 0.36]]);
    // A training metric's last value works too, and needs no evaluation.
    expect(kChartSeries(runs, 'train:d_nnz_mean', null)[1].points).toEqual([
      [1, 100],
      [2, 50],
    ]);
  });

  it('places runs by sparsity and effectiveness, leaving out runs missing either', () => {
    const withFlops = [run('a', '/m/bert', 1, 0.3, { flops: 12 }), run('b', '/m/bert', 16, 0.35, { flops: 2 }), run('c', '/m/bert', 4, 0.32)];
    expect(sparsityPoints(withFlops, 'flops', 'ndcg@10', { dataset: 'cranfield', split: 'test' })).toEqual([
      { name: 'a', x: 12, y: 0.3 },
      { name: 'b', x: 2, y: 0.35 },
    ]);
    expect(runMetric(withFlops[0], 'flops', { dataset: 'med', split: 'test' })).toBeNull();
  });

  it('orders the evaluated splits by how many runs share them', () => {
    const mixed = [run('a', 'm', 1, 0.1, {}, 'med'), run('b', 'm', 1, 0.1, {}, 'adi'), run('c', 'm', 1, 0.1, {}, 'med')];
    expect(sharedSplits(mixed)).toEqual([
      { dataset: 'med', split: 'test' },
      { dataset: 'adi', split: 'test' },
    ]);
  });
});

describe('metric groups', () => {
  it('groups the metrics a SPLADE training step records', () => {
    const names = ['loss', 'rank', 'flops_q', 'flops_d', 'lambda_flops_q', 'lr', 'grad_norm', 'q_nnz_mean', 'd_nnz_max', 'q_weight_mean', 'decoder_norm', 'tokens_per_s', 'step_s', 'skipped'];
    expect(groupMetrics(names).map((g) => [g.group.id, g.names])).toEqual([
      ['losses', ['loss', 'rank', 'flops_q', 'flops_d']],
      ['lambdas', ['lambda_flops_q']],
      ['lr', ['lr']],
      ['grad', ['grad_norm']],
      ['nnz', ['q_nnz_mean', 'd_nnz_max']],
      ['weights', ['q_weight_mean']],
      ['decoder', ['decoder_norm']],
      ['throughput', ['tokens_per_s']],
      ['timing', ['step_s']],
      ['other', ['skipped']],
    ]);
  });
});
