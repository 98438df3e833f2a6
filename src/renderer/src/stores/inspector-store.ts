import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DatasetItemsResult, InspectTermsResult, TextKindName } from '../../../shared/contract.ts';
import { useTransport } from '../transport/inject.ts';
import { useTasksStore } from './tasks-store.ts';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The inspector shows at most this many models side by side. */
export const MAX_PANELS = 4;

export interface InspectorPanel {
  id: number;
  /** MODEL as the contract writes it; empty until chosen. */
  model: string;
  /** Head rescale applied on top of the loaded weights (a run's checkpoint already holds its run's k). */
  k: number;
  result: InspectTermsResult | null;
  error: string | null;
  taskId: string | null;
}

/**
 * The term inspector: one text (typed, or picked from a dataset) encoded by up to four models side by side,
 * one `inspect.terms` call each.
 */
export const useInspectorStore = defineStore('inspector', () => {
  const transport = useTransport();
  const tasks = useTasksStore();
  const text = ref('');
  const kind = ref<TextKindName>('query');
  const top = ref(30);
  let nextId = 1;
  const panels = ref<InspectorPanel[]>([{ id: nextId++, model: '', k: 1, result: null, error: null, taskId: null }]);

  function addPanel(model = '', k = 1): boolean {
    if (panels.value.length >= MAX_PANELS) return false;
    panels.value.push({ id: nextId++, model, k, result: null, error: null, taskId: null });
    return true;
  }

  function removePanel(id: number): void {
    panels.value = panels.value.filter((p) => p.id !== id);
  }

  function panel(id: number): InspectorPanel | undefined {
    return panels.value.find((p) => p.id === id);
  }

  async function inspectPanel(id: number): Promise<void> {
    const p = panel(id);
    if (!p) return;
    if (p.model === '' || text.value.trim() === '') {
      p.error = p.model === '' ? 'choose a model' : 'type a text or pick one from a dataset';
      p.result = null;
      return;
    }
    p.error = null;
    const request = { model: p.model, k: p.k, text: text.value, kind: kind.value, top: top.value };
    try {
      const result = await tasks.track(
        'inspect',
        (taskId) => transport.call('inspect.terms', { ...request, taskId }),
        (taskId) => {
          const live = panel(id);
          if (live) live.taskId = taskId;
        },
      );
      const live = panel(id);
      if (live) live.result = result;
    } catch (err) {
      const live = panel(id);
      if (live) {
        live.result = null;
        live.error = message(err);
      }
    } finally {
      const live = panel(id);
      if (live) live.taskId = null;
    }
  }

  /** Every panel with a model, at once (the server loads each model once and keeps a few). */
  async function inspectAll(): Promise<void> {
    await Promise.all(panels.value.map((p) => inspectPanel(p.id)));
  }

  // Picking a query or a document of a registered dataset.
  const pickDataset = ref('');
  const pickKind = ref<TextKindName>('query');
  const pickSearch = ref('');
  const pickResult = ref<DatasetItemsResult | null>(null);
  const pickError = ref<string | null>(null);

  async function searchItems(): Promise<void> {
    if (pickDataset.value === '') return;
    try {
      pickResult.value = await transport.call('datasets.items', { dataset: pickDataset.value, kind: pickKind.value, search: pickSearch.value, limit: 50 });
      pickError.value = null;
    } catch (err) {
      pickResult.value = null;
      pickError.value = message(err);
    }
  }

  function pick(item: { id: string; text: string }): void {
    text.value = item.text;
    kind.value = pickKind.value;
  }

  return {
    text,
    kind,
    top,
    panels,
    addPanel,
    removePanel,
    inspectPanel,
    inspectAll,
    pickDataset,
    pickKind,
    pickSearch,
    pickResult,
    pickError,
    searchItems,
    pick,
  };
});
