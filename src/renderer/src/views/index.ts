import type { Component } from 'vue';
import type { ViewId } from '../stores/nav-store.ts';
import CompareView from './CompareView.vue';
import LiveRunView from './LiveRunView.vue';
import RunSetupView from './RunSetupView.vue';
import RunsView from './RunsView.vue';
import StatusView from './StatusView.vue';
import TermInspectorView from './TermInspectorView.vue';

export interface ViewEntry {
  id: ViewId;
  label: string;
  component: Component;
}

/** The left navigation, in order. */
export const VIEWS: readonly ViewEntry[] = [
  { id: 'setup', label: 'Run setup', component: RunSetupView },
  { id: 'runs', label: 'Runs', component: RunsView },
  { id: 'live', label: 'Live run', component: LiveRunView },
  { id: 'compare', label: 'Compare', component: CompareView },
  { id: 'inspector', label: 'Term inspector', component: TermInspectorView },
  { id: 'status', label: 'Status', component: StatusView },
];
