import type { ApiContext } from '../api-context.ts';
import type { Handlers } from '../create-api.ts';

export function datasetHandlers(ctx: ApiContext): Pick<Handlers, 'datasets.list'> {
  return {
    'datasets.list': () =>
      ctx.workspace.store.datasets.list().map((d) => ({
        name: d.name,
        format: d.format,
        docs: d.docs,
        queries: d.queries,
        splits: d.splits,
        trainingExamples: d.trainingExamples,
        importedAt: d.importedAt,
      })),
  };
}
