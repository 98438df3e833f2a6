import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { TaskProgress } from '../../../shared/contract.ts';
import { useTransport } from '../transport/inject.ts';

/**
 * Long calls the renderer started under a task id (downloads, imports, checks): their latest progress
 * (`tasks.progress` events) and a way to cancel them.
 */
export const useTasksStore = defineStore('tasks', () => {
  const transport = useTransport();
  const progress = ref<Record<string, TaskProgress>>({});
  let counter = 0;

  transport.on('tasks.progress', (p) => {
    progress.value = { ...progress.value, [p.taskId]: p };
  });

  function newId(prefix: string): string {
    return `${prefix}-${Date.now().toString(36)}-${++counter}`;
  }

  /** Runs a call under a fresh task id; its progress entry is dropped when it settles. */
  async function track<T>(prefix: string, call: (taskId: string) => Promise<T>, onStart?: (taskId: string) => void): Promise<T> {
    const taskId = newId(prefix);
    onStart?.(taskId);
    try {
      return await call(taskId);
    } finally {
      const { [taskId]: _done, ...rest } = progress.value;
      progress.value = rest;
    }
  }

  async function cancel(taskId: string): Promise<boolean> {
    return (await transport.call('tasks.cancel', { taskId })).cancelled;
  }

  return { progress, newId, track, cancel };
});
