import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { DemoInfo } from '../../../shared/contract.ts';
import { isActive } from '../lib/run-fields.ts';
import { useTransport } from '../transport/inject.ts';
import { useNavStore } from './nav-store.ts';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The one-click demo sweep: what the server has registered, starting it, and following its runs (through
 * `runs.changed`) until all have ended, when the Compare view opens on them.
 */
export const useDemoStore = defineStore('demo', () => {
  const transport = useTransport();
  const nav = useNavStore();
  const info = ref<DemoInfo | null>(null);
  const error = ref<string | null>(null);
  const starting = ref(false);
  /** A demo sweep was seen queued or training: once all its runs end, Compare opens (once). */
  const following = ref(false);

  const runIds = computed(() => info.value?.sweep?.runs.map((r) => r.runId) ?? []);
  const total = computed(() => info.value?.sweep?.runs.length ?? 0);
  const ended = computed(() => info.value?.sweep?.runs.filter((r) => !isActive(r.status)).length ?? 0);
  const available = computed(() => info.value !== null && (info.value.ready || info.value.sweep !== null));

  async function refresh(): Promise<void> {
    try {
      info.value = await transport.call('demo.info', {});
      error.value = null;
    } catch (err) {
      error.value = message(err);
      return;
    }
    if (info.value.active) following.value = true;
    else if (following.value && total.value > 0 && ended.value === total.value) {
      following.value = false;
      nav.openCompare(runIds.value);
    }
  }

  async function run(): Promise<void> {
    starting.value = true;
    try {
      await transport.call('demo.run', {});
      following.value = true;
      error.value = null;
      await refresh();
    } catch (err) {
      error.value = message(err);
    } finally {
      starting.value = false;
    }
  }

  function openComparison(): void {
    if (runIds.value.length > 0) nav.openCompare(runIds.value);
  }

  transport.on('runs.changed', ({ runIds: changed, removed }) => {
    const ours = new Set(runIds.value);
    if (following.value && [...changed, ...removed].some((id) => ours.has(id))) void refresh();
  });

  return { info, error, starting, following, runIds, total, ended, available, refresh, run, openComparison };
});
