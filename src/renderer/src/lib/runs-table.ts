import type { RunRow } from '../../../shared/contract.ts';
import { formatCell } from './format.ts';
import { backboneOf, configNumber, HYPERPARAMETERS, isBaseline, kOf, latestEvaluation, statusDetail } from './run-fields.ts';
import type { TableColumn } from './table-model.ts';

/** One line of the Runs table: plain values, so sorting, filtering and CSV work on them directly. */
export interface RunsTableRow extends Record<string, unknown> {
  id: string;
  status: string;
  detail: string;
  name: string;
  backbone: string | null;
  k: number | null;
  lr: number | null;
  batch: number | null;
  lambdaQ: number | null;
  lambdaD: number | null;
  steps: number | null;
  step: number | null;
  ndcg: number | null;
  mrr: number | null;
  docNnz: number | null;
  flops: number | null;
  loss: number | null;
  evaluatedOn: string;
  tags: string;
  created: string;
}

function evalValue(run: RunRow, metric: string): number | null {
  const v = latestEvaluation(run)?.metrics[metric];
  return typeof v === 'number' ? v : null;
}

export function runsTableRow(run: RunRow): RunsTableRow {
  const latest = latestEvaluation(run);
  const hyper = Object.fromEntries(HYPERPARAMETERS.map((h) => [h.key, configNumber(run.config, ...h.names)])) as Record<(typeof HYPERPARAMETERS)[number]['key'], number | null>;
  return {
    id: run.id,
    status: run.status,
    detail: statusDetail(run),
    name: run.name,
    backbone: isBaseline(run) ? 'BM25' : backboneOf(run.config),
    k: isBaseline(run) ? null : kOf(run.config),
    ...hyper,
    step: run.step,
    ndcg: evalValue(run, 'ndcg@10'),
    mrr: evalValue(run, 'mrr@10'),
    // Document nonzeros of the evaluation if there is one, else the training batches' mean.
    docNnz: evalValue(run, 'doc_nnz_mean') ?? run.lastMetrics.d_nnz_mean ?? null,
    flops: evalValue(run, 'flops'),
    loss: run.lastMetrics.loss ?? null,
    evaluatedOn: latest ? `${latest.dataset}/${latest.split}@${latest.step}` : '',
    tags: run.tags.join(', '),
    created: run.createdAt,
  };
}

const num = (label: string, key: string): TableColumn => ({ key, label, numeric: true, format: formatCell });

export const RUNS_COLUMNS: readonly TableColumn[] = [
  { key: 'status', label: 'Status', format: (v, row) => `${String(v)} ${String(row.detail)}`.trim() },
  { key: 'name', label: 'Name' },
  { key: 'backbone', label: 'Backbone', format: formatCell },
  num('k', 'k'),
  num('nDCG@10', 'ndcg'),
  num('Doc nnz', 'docNnz'),
  num('FLOPS', 'flops'),
  num('Loss', 'loss'),
  num('Step', 'step'),
  ...HYPERPARAMETERS.map((h) => num(h.label, h.key)),
  num('MRR@10', 'mrr'),
  { key: 'evaluatedOn', label: 'Evaluated on' },
  { key: 'tags', label: 'Tags' },
  { key: 'created', label: 'Created', format: (v) => String(v).slice(0, 16).replace('T', ' ') },
];
