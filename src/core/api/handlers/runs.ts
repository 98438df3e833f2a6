import type { RunListFilter, RunRow } from '../../../shared/contract.ts';
import type { RunRecord } from '../../store/runs.ts';
import type { ApiContext } from '../api-context.ts';
import type { Handlers } from '../create-api.ts';
import { evaluationInfo, runDetail, runRow, seriesData } from '../run-rows.ts';

function matchesText(run: RunRecord, text: string): boolean {
  const needle = text.toLowerCase();
  return [run.id, run.name, run.notes, ...run.tags].some((s) => s.toLowerCase().includes(needle));
}

/** Reading runs: listings, one run, its metric series and evaluations. */
export function runsHandlers(ctx: ApiContext): Pick<Handlers, 'runs.list' | 'runs.get' | 'runs.metricNames' | 'runs.series' | 'runs.evaluations'> {
  return {
    'runs.list': (filter: RunListFilter): RunRow[] => {
      const store = ctx.workspace.store;
      let runs = store.runs.list({ tag: filter.tag, sweepId: filter.sweepId });
      if (filter.status !== undefined) {
        const wanted = new Set(filter.status);
        runs = runs.filter((r) => wanted.has(r.status));
      }
      const text = filter.text?.trim();
      if (text) runs = runs.filter((r) => matchesText(r, text));
      return runs.map((r) => runRow(store, r));
    },
    'runs.get': ({ runId }) => runDetail(ctx.workspace.store, ctx.workspace.run(runId)),
    'runs.metricNames': ({ runId }) => {
      ctx.workspace.run(runId);
      return ctx.workspace.store.metrics.names(runId);
    },
    'runs.series': ({ runId, names, sinceStep, maxPoints }) => {
      const store = ctx.workspace.store;
      // One read transaction: every series from the same snapshot, so a step the writer commits meanwhile
      // is either in all of them or in none.
      return store.db.transaction(() => {
        const lastStep = ctx.workspace.run(runId).lastStep;
        const series = store.metrics.series(runId, { names, sinceStep, maxPoints });
        return { runId, lastStep, series: series.map(seriesData) };
      })();
    },
    'runs.evaluations': ({ runId }) => {
      ctx.workspace.run(runId);
      const store = ctx.workspace.store;
      const withPerQuery = store.evaluations.idsWithPerQuery(runId);
      return store.evaluations.list(runId).map((e) => evaluationInfo(e, withPerQuery));
    },
  };
}
