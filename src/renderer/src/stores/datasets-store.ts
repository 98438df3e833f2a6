import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DatasetFormatName, DatasetInfo } from '../../../shared/contract.ts';
import { useTransport } from '../transport/inject.ts';
import { useTasksStore } from './tasks-store.ts';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export interface ImportRequest {
  format: DatasetFormatName;
  path: string;
  name: string;
  replace?: boolean;
}

/** The registered datasets (refreshed on `datasets.changed`) and importing one, with progress and cancel. */
export const useDatasetsStore = defineStore('datasets', () => {
  const transport = useTransport();
  const tasks = useTasksStore();
  const list = ref<DatasetInfo[]>([]);
  const loaded = ref(false);
  const error = ref<string | null>(null);
  /** The import under way: its task id (for progress and cancel). */
  const importTask = ref<string | null>(null);
  const importError = ref<string | null>(null);

  async function refresh(): Promise<void> {
    try {
      list.value = await transport.call('datasets.list', {});
      loaded.value = true;
      error.value = null;
    } catch (err) {
      error.value = message(err);
    }
  }

  transport.on('datasets.changed', () => void refresh());

  /** Imports and registers a dataset; null when it failed or was cancelled (see `importError`). */
  async function importDataset(request: ImportRequest): Promise<DatasetInfo | null> {
    importError.value = null;
    try {
      const info = await tasks.track(
        'import',
        (taskId) => transport.call('datasets.import', { ...request, taskId }),
        (taskId) => (importTask.value = taskId),
      );
      await refresh();
      return info;
    } catch (err) {
      importError.value = message(err);
      return null;
    } finally {
      importTask.value = null;
    }
  }

  async function cancelImport(): Promise<void> {
    if (importTask.value) await tasks.cancel(importTask.value);
  }

  return { list, loaded, error, importTask, importError, refresh, importDataset, cancelImport };
});
