import { InputError } from '../errors.ts';
import { resolveDatasetFolder } from '../data/resolve-dataset.ts';
import type { RunConfigJson } from '../runs/run-config.ts';
import type { RunContext, RunExecutor, RunOutcome } from '../runs/executor.ts';
import { evaluateBm25 } from './bm25-eval.ts';
import { LUCENE_BM25_DEFAULTS, type Bm25Params } from './bm25-index.ts';

interface Bm25RunSettings {
  params: Bm25Params;
  split: string;
  datasets: string[];
}

/**
 * A BM25 baseline stored as a run of kind `bm25` (no training): `train` may hold `k1`, `b`, `evalSplit`
 * (default `test`) and `evalExtra` (more datasets); the run's `dataset` is evaluated first.
 */
export function bm25Settings(config: RunConfigJson): Bm25RunSettings {
  const t = config.train;
  const num = (key: string, fallback: number, min: number): number => {
    const v = t[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new InputError(`must be a number ≥ ${min}`, { field: `train.${key}` });
    return v;
  };
  const split = t.evalSplit ?? 'test';
  if (typeof split !== 'string' || split === '') throw new InputError('must be a split name', { field: 'train.evalSplit' });
  const extra = t.evalExtra ?? [];
  if (!Array.isArray(extra) || extra.some((x) => typeof x !== 'string')) throw new InputError('must be an array of dataset names', { field: 'train.evalExtra' });
  for (const key of Object.keys(t)) {
    if (!['k1', 'b', 'evalSplit', 'evalExtra'].includes(key)) throw new InputError('unknown field for a bm25 run (k1, b, evalSplit, evalExtra)', { field: `train.${key}` });
  }
  return {
    params: { k1: num('k1', LUCENE_BM25_DEFAULTS.k1, 0), b: Math.min(1, num('b', LUCENE_BM25_DEFAULTS.b, 0)) },
    split,
    datasets: [config.dataset, ...(extra as string[])],
  };
}

export const bm25Executor: RunExecutor = async (ctx: RunContext): Promise<RunOutcome> => {
  const s = bm25Settings(ctx.config);
  for (const [i, dataset] of s.datasets.entries()) {
    if (ctx.signal.aborted) return { status: 'cancelled', step: 0 };
    ctx.progress({ step: 0, totalSteps: 0, message: `BM25 on ${dataset}/${s.split} (${i + 1}/${s.datasets.length})` });
    const folder = resolveDatasetFolder(dataset, ctx.home, 'dataset');
    const result = await evaluateBm25(folder, { split: s.split, params: s.params });
    const metrics: Record<string, number> = { ...result.metrics, docs: result.docs, k1: s.params.k1, b: s.params.b };
    const perQuery: Record<string, Record<string, number>> = {};
    for (const [qid, v] of result.perQuery) perQuery[qid] = { ...v };
    ctx.evaluation({ step: 0, dataset, split: s.split, metrics, perQuery });
  }
  return { status: 'finished' };
};
