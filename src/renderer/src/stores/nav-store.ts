import { defineStore } from 'pinia';
import { ref } from 'vue';

export type ViewId = 'setup' | 'runs' | 'live' | 'compare' | 'inspector' | 'status';

export const VIEW_IDS: readonly ViewId[] = ['setup', 'runs', 'live', 'compare', 'inspector', 'status'];

export function isViewId(value: string): value is ViewId {
  return (VIEW_IDS as readonly string[]).includes(value);
}

/** The view shown in the main area. Only the Status view works until the views' APIs land. */
export const useNavStore = defineStore('nav', () => {
  const current = ref<ViewId>('status');
  function go(view: ViewId): void {
    current.value = view;
  }
  return { current, go };
});
