import path from 'node:path';
import type { DatasetInfo } from '../../../shared/contract.ts';
import { readDatasetItems } from '../../data/dataset-items.ts';
import type { DatasetRecord } from '../../data/dataset-record.ts';
import { importAndRegister } from '../../data/register-dataset.ts';
import { resolveDatasetFolder } from '../../data/resolve-dataset.ts';
import { InputError } from '../../errors.ts';
import type { Handlers } from '../create-api.ts';
import type { EngineContext } from '../engine-context.ts';

const DEFAULT_ITEMS = 50;

function datasetInfo(d: DatasetRecord): DatasetInfo {
  return { name: d.name, format: d.format, docs: d.docs, queries: d.queries, splits: d.splits, trainingExamples: d.trainingExamples, importedAt: d.importedAt };
}

/** Importing a dataset (long: progress and cancel through a task) and picking queries or documents from one. */
export function datasetImportHandlers(engine: EngineContext): Pick<Handlers, 'datasets.import' | 'datasets.items'> {
  return {
    'datasets.import': ({ format, path: source, name, replace, taskId }) => {
      // A relative path would be read from wherever the server was started: ambiguous, so refused.
      if (!path.isAbsolute(source)) throw new InputError('must be an absolute path (of the file or folder to import)', { field: 'path' });
      return engine.tasks.run(taskId, 'datasets.import', async (task) => {
        let issues = 0;
        const record = await importAndRegister(engine.home, format, source, {
          name,
          replace,
          signal: task.signal,
          onProgress: (p) => task.progress(`${p.docs} documents, ${p.queries} queries, ${p.qrels} judgements, ${p.examples} training examples`),
          onIssue: () => issues++,
        });
        engine.emit('datasets.changed', { names: [record.name] });
        if (issues > 0) engine.emit('app.log', { level: 'warn', message: `import of ${record.name}: ${issues} issue(s), listed in ${path.join(record.path, 'dataset.json')}` });
        return datasetInfo(record);
      });
    },

    'datasets.items': async ({ dataset, kind, search, limit }) => {
      const folder = resolveDatasetFolder(dataset, engine.home, 'dataset');
      const { items, more } = await readDatasetItems(folder, { kind, search, limit: limit ?? DEFAULT_ITEMS });
      return { dataset, kind, items, more };
    },
  };
}
