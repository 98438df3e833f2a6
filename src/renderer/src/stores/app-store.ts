import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ApiEvents, AppInfo } from '../../../shared/contract.ts';
import { useTransport } from '../transport/inject.ts';

export interface LogEntry extends Record<string, unknown> {
  id: number;
  time: number;
  level: ApiEvents['app.log']['level'];
  message: string;
}

const MAX_LOG = 500;

/** What the Node side says about itself (`app.info`) and the log lines it pushes (`app.log`). */
export const useAppStore = defineStore('app', () => {
  const transport = useTransport();
  const info = ref<AppInfo | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(false);
  const log = ref<LogEntry[]>([]);
  let nextLogId = 1;

  transport.on('app.log', (payload) => {
    log.value.push({ id: nextLogId++, time: Date.now(), level: payload.level, message: payload.message });
    if (log.value.length > MAX_LOG) log.value.splice(0, log.value.length - MAX_LOG);
  });

  async function refresh(): Promise<void> {
    loading.value = true;
    try {
      info.value = await transport.call('app.info', {});
      error.value = null;
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
    } finally {
      loading.value = false;
    }
  }

  return { info, error, loading, log, refresh };
});
