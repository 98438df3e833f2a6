import type { EvaluationInfo, RunDetail, RunRow } from '../../../src/shared/contract.ts';

let nextEval = 1;

export function evaluation(partial: Partial<EvaluationInfo> & Pick<EvaluationInfo, 'metrics'>): EvaluationInfo {
  return { id: nextEval++, step: 100, dataset: 'cranfield', split: 'test', hasPerQuery: false, createdAt: '2025-01-01T00:00:00.000Z', ...partial };
}

/** A run row as `runs.list` returns it, with the orchestration's config layout unless overridden. */
export function runRow(partial: Partial<RunRow> & Pick<RunRow, 'id'>): RunRow {
  return {
    name: partial.id,
    status: 'finished',
    reason: null,
    config: { kind: 'splade', model: 'org/bert-tiny@main', dataset: 'cranfield', k: 1, seed: 42, steps: 100, train: { lr: 2e-5, batchSize: 16, lambdaQ: 5e-4, lambdaD: 3e-4 } },
    tags: [],
    notes: '',
    sweepId: null,
    step: 100,
    cancelRequested: false,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    startedAt: null,
    endedAt: null,
    lastMetrics: {},
    evaluations: [],
    ...partial,
  };
}

export function runDetail(row: RunRow, partial: Partial<RunDetail> = {}): RunDetail {
  return { ...row, history: [], checkpoints: [], heartbeatAt: null, host: null, ...partial };
}
