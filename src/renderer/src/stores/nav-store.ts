import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

export type ViewId = 'setup' | 'runs' | 'live' | 'compare' | 'inspector' | 'status';

export const VIEW_IDS: readonly ViewId[] = ['setup', 'runs', 'live', 'compare', 'inspector', 'status'];

export function isViewId(value: string): value is ViewId {
  return (VIEW_IDS as readonly string[]).includes(value);
}

export interface Route {
  view: ViewId;
  /** Live run: the run shown. */
  runId: string | null;
  /** Compare: the runs compared. */
  runIds: string[];
}

/** `#/live/<id>`, `#/compare/<id>,<id>`, `#/runs`: the view and its runs, so reloads and links keep them. */
export function routeHash(route: Route): string {
  if (route.view === 'live' && route.runId) return `#/live/${encodeURIComponent(route.runId)}`;
  if (route.view === 'compare' && route.runIds.length > 0) return `#/compare/${route.runIds.map(encodeURIComponent).join(',')}`;
  return `#/${route.view}`;
}

export function parseRouteHash(hash: string): Route | null {
  const [view, arg = ''] = hash.replace(/^#\/?/, '').split('/', 2);
  if (!isViewId(view)) return null;
  const ids = arg.split(',').filter((s) => s !== '').map(decodeURIComponent);
  return { view, runId: view === 'live' ? (ids[0] ?? null) : null, runIds: view === 'compare' ? ids : [] };
}

/** The view shown in the main area (the Runs table first), and which runs the Live run and Compare views show. */
export const useNavStore = defineStore('nav', () => {
  const current = ref<ViewId>('runs');
  const liveRunId = ref<string | null>(null);
  const compareIds = ref<string[]>([]);

  function go(view: ViewId): void {
    current.value = view;
  }

  function openLive(runId: string): void {
    liveRunId.value = runId;
    current.value = 'live';
  }

  function openCompare(runIds: readonly string[]): void {
    compareIds.value = [...runIds];
    current.value = 'compare';
  }

  const hash = computed(() => routeHash({ view: current.value, runId: liveRunId.value, runIds: compareIds.value }));

  function follow(route: Route): void {
    if (route.view === 'live' && route.runId) liveRunId.value = route.runId;
    if (route.view === 'compare' && route.runIds.length > 0) compareIds.value = route.runIds;
    current.value = route.view;
  }

  return { current, liveRunId, compareIds, hash, go, openLive, openCompare, follow };
});
