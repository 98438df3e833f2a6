import type { JsonValue, PerQuerySide } from '../../../shared/contract.ts';
import type { EvaluationRecord } from '../../store/evaluations.ts';
import type { Store } from '../../store/store.ts';
import { badRequest, notFound } from '../api-failure.ts';
import type { ApiContext } from '../api-context.ts';
import { configDiff } from '../config-diff.ts';
import type { Handlers } from '../create-api.ts';
import { comparePerQuery, sharedMetricNames } from '../per-query-diff.ts';
import { finiteOrNull } from '../run-rows.ts';
import type { RunConfigJson } from '../../runs/run-config.ts';
import { spladeTrainConfig } from '../../train/run/splade-run-config.ts';

type Config = { [key: string]: JsonValue };

/**
 * What a run was trained with: a SPLADE run's stored config holds only what was given, so its defaults are
 * filled in (two runs differ only where their effective settings do). Other kinds, and a config the SPLADE
 * executor would refuse, are compared as stored.
 */
export function effectiveConfig(config: Config): Config {
  if (config.kind !== 'splade') return config;
  try {
    const { name: _n, tags: _t, notes: _o, ...settings } = spladeTrainConfig(config as unknown as RunConfigJson);
    return { kind: 'splade', ...(settings as unknown as Config), ...(config.versions !== undefined && { versions: config.versions }) };
  } catch {
    return config;
  }
}

/** A run's evaluations that carry per-query values, latest first. */
function perQueryEvaluations(store: Store, runId: string): EvaluationRecord[] {
  const ids = store.evaluations.idsWithPerQuery(runId);
  return store.evaluations
    .list(runId)
    .filter((e) => ids.has(e.id))
    .reverse();
}

const splitKey = (e: { dataset: string; split: string }) => `${e.dataset}\u0000${e.split}`;

export function compareHandlers(ctx: ApiContext): Pick<Handlers, 'compare.configDiff' | 'compare.perQuery'> {
  return {
    'compare.configDiff': ({ runIds }) => {
      if (runIds.length < 2) throw badRequest('compare.configDiff: params.runIds needs at least two runs');
      const runs = runIds.map((id) => ctx.workspace.run(id));
      return { runIds, ...configDiff(runs.map((r) => effectiveConfig(r.config as Config))) };
    },
    'compare.perQuery': ({ runA, runB, dataset, split, metric = 'ndcg@10' }) => {
      const store = ctx.workspace.store;
      const runs = [ctx.workspace.run(runA), ctx.workspace.run(runB)];
      const [evalsA, evalsB] = runs.map((r) => perQueryEvaluations(store, r.id));
      const wanted = (e: EvaluationRecord) => (dataset === undefined || e.dataset === dataset) && (split === undefined || e.split === split);
      const inB = new Set(evalsB.filter(wanted).map(splitKey));
      const a = evalsA.find((e) => wanted(e) && inB.has(splitKey(e)));
      const where = `${dataset ?? 'any dataset'}${split ? `/${split}` : ''}`;
      if (!a) throw notFound(`runs ${runA} and ${runB} have no evaluations with per-query values on the same dataset split (${where})`);
      const b = evalsB.find((e) => splitKey(e) === splitKey(a))!;
      const valuesA = store.evaluations.perQuery(a.id)!;
      const valuesB = store.evaluations.perQuery(b.id)!;
      const metrics = sharedMetricNames(valuesA, valuesB);
      if (!metrics.includes(metric)) {
        throw notFound(`the per-query values of ${a.dataset}/${a.split} have no "${metric}" in both runs (they have: ${metrics.join(', ') || 'none'})`);
      }
      const cmp = comparePerQuery(valuesA, valuesB, metric);
      const side = (e: EvaluationRecord, mean: number | null, queries: number): PerQuerySide => ({
        runId: e.runId,
        evaluationId: e.id,
        step: e.step,
        mean: finiteOrNull(mean),
        queries,
      });
      return {
        dataset: a.dataset,
        split: a.split,
        metric,
        a: side(a, cmp.meanA, cmp.queriesA),
        b: side(b, cmp.meanB, cmp.queriesB),
        rows: cmp.rows,
        better: cmp.better,
        worse: cmp.worse,
        tied: cmp.tied,
        metrics,
      };
    },
  };
}
