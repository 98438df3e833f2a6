import { describe, expect, it } from 'vitest';
import { backboneOf, configValue, isBaseline, kOf, latestEvaluation, shortModelName, statusDetail } from '../../../src/renderer/src/lib/run-fields.ts';
import { runsTableRow } from '../../../src/renderer/src/lib/runs-table.ts';
import { evaluation, runRow } from '../support/run-rows.ts';

describe('run fields', () => {
  it('reads hyperparameters from a flat TrainConfig and from RunConfigJson.train alike', () => {
    const flat = { model: '/models/bert', dataset: 'med', k: 4, lr: 3e-5, batchSize: 8 };
    const nested = { kind: 'splade', model: 'org/ModernBERT-base@v2', k: 16, train: { lr: 1e-5, batchSize: 32 } };
    expect([configValue(flat, 'lr'), configValue(flat, 'batchSize'), kOf(flat), backboneOf(flat)]).toEqual([3e-5, 8, 4, 'bert']);
    expect([configValue(nested, 'lr'), configValue(nested, 'batchSize'), kOf(nested), backboneOf(nested)]).toEqual([1e-5, 32, 16, 'ModernBERT-base']);
    // Left out of a SPLADE run's config: the trainer's default (FLOPS λq = 5e-4, 3000 steps); no default for other kinds.
    expect([configValue(nested, 'lambdaQ'), configValue(nested, 'steps')]).toEqual([5e-4, 3000]);
    expect(configValue({ kind: 'bm25', train: {} }, 'lambdaQ')).toBeUndefined();
    expect(shortModelName('run:1m8abc@200')).toBe('run:1m8abc@200');
    expect(shortModelName('C:\\models\\bert-base\\')).toBe('bert-base');
    expect(isBaseline({ config: { kind: 'bm25' } })).toBe(true);
    expect(isBaseline({ config: { kind: 'splade' } })).toBe(false);
  });

  it('says why and where a run stopped, and nothing for runs that are fine', () => {
    const base = { reason: null, step: 37, cancelRequested: false };
    expect(statusDetail({ ...base, status: 'collapsed', reason: 'vectors all zero' })).toBe('at step 37: vectors all zero');
    expect(statusDetail({ ...base, status: 'failed', step: null, reason: 'out of memory' })).toBe('out of memory');
    expect(statusDetail({ ...base, status: 'interrupted' })).toBe('at step 37');
    expect(statusDetail({ ...base, status: 'running' })).toBe('');
    expect(statusDetail({ ...base, status: 'running', cancelRequested: true })).toBe('stopping (cancel requested)');
    expect(statusDetail({ ...base, status: 'finished' })).toBe('');
  });

  it('picks the latest evaluation by step, then recency, optionally on one split', () => {
    const e1 = evaluation({ step: 50, metrics: { 'ndcg@10': 0.1 } });
    const e2 = evaluation({ step: 100, dataset: 'med', metrics: { 'ndcg@10': 0.2 } });
    const e3 = evaluation({ step: 100, metrics: { 'ndcg@10': 0.3 } });
    const run = runRow({ id: 'r', evaluations: [e3, e1, e2] });
    expect(latestEvaluation(run)).toBe(e3);
    expect(latestEvaluation(run, { dataset: 'med', split: 'test' })).toBe(e2);
    expect(latestEvaluation(run, { dataset: 'adi', split: 'test' })).toBeUndefined();
  });

  it('flattens a run into the Runs table row', () => {
    const row = runsTableRow(
      runRow({
        id: 'r1',
        name: 'k16',
        status: 'collapsed',
        reason: 'all zero',
        step: 37,
        tags: ['a', 'b'],
        config: { kind: 'splade', model: '/m/bert-tiny', k: 16, steps: 100, train: { lr: 2e-5, batchSize: 16, lambdaQ: 5e-4, lambdaD: 3e-4 } },
        lastMetrics: { loss: 0.8, d_nnz_mean: 120 },
        evaluations: [evaluation({ step: 30, metrics: { 'ndcg@10': 0.3, 'mrr@10': 0.5, flops: 2.5 } })],
      }),
    );
    expect(row).toMatchObject({
      status: 'collapsed',
      detail: 'at step 37: all zero',
      backbone: 'bert-tiny',
      k: 16,
      lr: 2e-5,
      batch: 16,
      lambdaQ: 5e-4,
      lambdaD: 3e-4,
      steps: 100,
      step: 37,
      ndcg: 0.3,
      mrr: 0.5,
      flops: 2.5,
      // No doc_nnz_mean in the evaluation: the training batches' mean.
      docNnz: 120,
      loss: 0.8,
      evaluatedOn: 'cranfield/test@30',
      tags: 'a, b',
    });
  });
});
