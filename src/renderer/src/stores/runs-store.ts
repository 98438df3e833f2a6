import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { RunListFilter, RunRow } from '../../../shared/contract.ts';
import { useTransport } from '../transport/inject.ts';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** How long a burst of change events waits before one refetch (ms). */
const REFRESH_DEBOUNCE_MS = 200;
/** A running run's row (step, last metrics) is refetched at most this often (ms). */
const ROW_REFRESH_MS = 2000;

/**
 * Every stored run as the Runs table shows it, kept current by the server's `runs.changed` (refetch the
 * list) and `runs.metrics` (refetch that run's row, throttled) events; the selection the Compare view opens.
 */
export const useRunsStore = defineStore('runs', () => {
  const transport = useTransport();
  const rows = ref<RunRow[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const filter = ref<RunListFilter>({});
  const selected = ref<string[]>([]);
  let debounce: ReturnType<typeof setTimeout> | undefined;
  const rowFetchedAt = new Map<string, number>();

  async function refresh(): Promise<void> {
    loading.value = true;
    try {
      rows.value = await transport.call('runs.list', { ...filter.value });
      const ids = new Set(rows.value.map((r) => r.id));
      selected.value = selected.value.filter((id) => ids.has(id));
      error.value = null;
      loaded.value = true;
    } catch (err) {
      error.value = message(err);
    } finally {
      loading.value = false;
    }
  }

  function refreshSoon(): void {
    clearTimeout(debounce);
    debounce = setTimeout(() => void refresh(), REFRESH_DEBOUNCE_MS);
  }

  function replaceRow(row: RunRow): void {
    const i = rows.value.findIndex((r) => r.id === row.id);
    if (i >= 0) rows.value.splice(i, 1, row);
  }

  async function refreshRow(runId: string, now: number = Date.now()): Promise<void> {
    if (now - (rowFetchedAt.get(runId) ?? -Infinity) < ROW_REFRESH_MS) return;
    rowFetchedAt.set(runId, now);
    try {
      const { history: _h, checkpoints: _c, heartbeatAt: _b, host: _o, ...row } = await transport.call('runs.get', { runId });
      replaceRow(row);
    } catch {
      // The next event or refresh tries again; a deleted run goes with the next list.
    }
  }

  transport.on('runs.changed', () => {
    if (loaded.value) refreshSoon();
  });
  transport.on('runs.metrics', ({ runId }) => {
    if (loaded.value && rows.value.some((r) => r.id === runId)) void refreshRow(runId);
  });

  function setFilter(next: RunListFilter): Promise<void> {
    filter.value = next;
    return refresh();
  }

  async function updateMeta(runId: string, changes: { name?: string; tags?: string[]; notes?: string }): Promise<RunRow> {
    const row = await transport.call('runs.updateMeta', { runId, ...changes });
    replaceRow(row);
    return row;
  }

  async function cancel(runId: string): Promise<'requested' | 'cancelled' | 'already-ended'> {
    const { outcome, run } = await transport.call('runs.cancel', { runId });
    replaceRow(run);
    return outcome;
  }

  async function remove(runId: string, removeFiles = false): Promise<void> {
    await transport.call('runs.delete', { runId, removeFiles });
    rows.value = rows.value.filter((r) => r.id !== runId);
    selected.value = selected.value.filter((id) => id !== runId);
  }

  return { rows, loaded, loading, error, filter, selected, refresh, refreshRow, setFilter, updateMeta, cancel, remove };
});
