import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { HeadCheckResult, RunPlan } from '../../../shared/contract.ts';
import { checkForm, emptyForm, parseNumberList, type SetupForm } from '../lib/train-form.ts';
import { useTransport } from '../transport/inject.ts';
import { useTasksStore } from './tasks-store.ts';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** How long the form rests before the server is asked which runs it would create (ms). */
const PLAN_DEBOUNCE_MS = 300;

export const DEFAULT_CANDIDATES = '1, 2, 4, 8, 16, 32, 64';

/**
 * The Run setup form: its values, their check (per-field messages, as the trainer validates), the runs it
 * would create (`runs.plan`), the head-scale check of the backbone, hub downloads, and starting the runs.
 */
export const useRunSetupStore = defineStore('runSetup', () => {
  const transport = useTransport();
  const tasks = useTasksStore();

  const form = ref<SetupForm>(emptyForm());
  const check = computed(() => checkForm(form.value));

  const plan = ref<RunPlan | null>(null);
  const planError = ref<string | null>(null);
  let planTimer: ReturnType<typeof setTimeout> | undefined;
  let planSeq = 0;

  async function refreshPlan(): Promise<void> {
    const params = check.value.params;
    const seq = ++planSeq;
    if (!params) {
      plan.value = null;
      planError.value = null;
      return;
    }
    try {
      const result = await transport.call('runs.plan', params);
      if (seq !== planSeq) return;
      plan.value = result;
      planError.value = null;
    } catch (err) {
      if (seq !== planSeq) return;
      plan.value = null;
      planError.value = message(err);
    }
  }

  watch(
    () => JSON.stringify(check.value.params),
    () => {
      clearTimeout(planTimer);
      planTimer = setTimeout(() => void refreshPlan(), PLAN_DEBOUNCE_MS);
    },
  );

  const starting = ref(false);
  const startError = ref<string | null>(null);

  /** Creates and queues the runs; their ids, or null when the server refused (see `startError`). */
  async function start(): Promise<string[] | null> {
    const params = check.value.params;
    if (!params) return null;
    starting.value = true;
    startError.value = null;
    try {
      return (await transport.call('runs.start', params)).runIds;
    } catch (err) {
      startError.value = message(err);
      return null;
    } finally {
      starting.value = false;
    }
  }

  // Head-scale check of one backbone for candidate k.
  const candidates = ref(DEFAULT_CANDIDATES);
  /** One text per line; empty: the built-in sample texts. */
  const checkTexts = ref('');
  const headCheck = ref<HeadCheckResult | null>(null);
  const headCheckError = ref<string | null>(null);
  const headCheckTask = ref<string | null>(null);

  const candidateList = computed(() => parseNumberList(candidates.value, { positive: true }));

  async function runHeadCheck(model: string): Promise<void> {
    const ks = candidateList.value;
    headCheckError.value = null;
    if (ks.error || ks.values.length === 0) {
      headCheckError.value = `candidate k: ${ks.error ?? 'give at least one'}`;
      return;
    }
    const texts = checkTexts.value
      .split('\n')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    try {
      headCheck.value = await tasks.track(
        'head-check',
        (taskId) => transport.call('models.headCheck', { model, ks: ks.values, ...(texts.length > 0 ? { texts } : {}), taskId }),
        (taskId) => (headCheckTask.value = taskId),
      );
    } catch (err) {
      headCheckError.value = message(err);
    } finally {
      headCheckTask.value = null;
    }
  }

  function useSuggestedK(): void {
    const k = headCheck.value?.suggestion.k;
    if (k !== null && k !== undefined) form.value.ks = String(k);
  }

  /** The candidates as the k list: a sweep over them. */
  function sweepCandidates(): void {
    if (!candidateList.value.error) form.value.ks = candidateList.value.values.join(', ');
  }

  // Hub backbones: fetched ahead of training, with progress.
  const downloadTask = ref<string | null>(null);
  const downloadError = ref<string | null>(null);
  const downloaded = ref<Record<string, string>>({});

  async function download(model: string): Promise<void> {
    downloadError.value = null;
    try {
      const result = await tasks.track(
        'download',
        (taskId) => transport.call('models.download', { model, taskId }),
        (taskId) => (downloadTask.value = taskId),
      );
      downloaded.value = { ...downloaded.value, [model]: result.folder };
    } catch (err) {
      downloadError.value = message(err);
    } finally {
      downloadTask.value = null;
    }
  }

  async function cancelTask(taskId: string | null): Promise<void> {
    if (taskId) await tasks.cancel(taskId);
  }

  return {
    form,
    check,
    plan,
    planError,
    refreshPlan,
    starting,
    startError,
    start,
    candidates,
    candidateList,
    checkTexts,
    headCheck,
    headCheckError,
    headCheckTask,
    runHeadCheck,
    useSuggestedK,
    sweepCandidates,
    downloadTask,
    downloadError,
    downloaded,
    download,
    cancelTask,
  };
});
