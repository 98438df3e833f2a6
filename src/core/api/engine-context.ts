import type { ApiEvents } from '../../shared/contract.ts';
import type { RunEvent } from '../runs/run-events.ts';
import type { RunProcess, RunProcessOptions } from '../runs/launch.ts';
import type { Emit } from './create-api.ts';
import type { ApiLifecycle } from './lifecycle.ts';
import { ModelCache, type ModelLoader } from './model-cache.ts';
import { RunScheduler } from './run-scheduler.ts';
import { TaskRegistry } from './tasks.ts';
import type { Workspace } from './workspace.ts';

/** What the model, inspection, import and run-starting handlers share beyond the store. */
export interface EngineContext {
  home: string;
  emit: Emit;
  models: ModelCache;
  tasks: TaskRegistry;
  scheduler: RunScheduler;
}

export interface EngineOptions {
  home: string;
  emit: Emit;
  workspace: Workspace;
  lifecycle?: ApiLifecycle;
  /** Models kept loaded (default 4: the inspector's side-by-side maximum). */
  modelCacheSize?: number;
  /** Tests replace model loading or the training process. */
  loadModel?: ModelLoader;
  startRun?: (options: RunProcessOptions) => RunProcess;
}

const PROGRESS_EVERY_MS = 250;

/** `progress` and `start` events of the run processes as `runs.progress`, at most four a second per run. */
function runProgressRelay(emit: Emit): (event: RunEvent) => void {
  const last = new Map<string, number>();
  return (e) => {
    let payload: ApiEvents['runs.progress'] | undefined;
    if (e.event === 'start') payload = { runId: e.run, step: e.startStep, totalSteps: 0, message: `training in process ${e.pid}` };
    else if (e.event === 'progress') {
      const now = Date.now();
      if (e.message === undefined && e.step < e.totalSteps && now - (last.get(e.run) ?? 0) < PROGRESS_EVERY_MS) return;
      last.set(e.run, now);
      payload = { runId: e.run, step: e.step, totalSteps: e.totalSteps, message: e.message ?? null };
    } else if (e.event === 'end') last.delete(e.run);
    if (payload) emit('runs.progress', payload);
  };
}

export function createEngineContext(options: EngineOptions): EngineContext {
  const { emit } = options;
  const models = new ModelCache(options.modelCacheSize ?? 4, options.loadModel);
  const tasks = new TaskRegistry((p) => emit('tasks.progress', p));
  const scheduler = new RunScheduler({
    home: options.home,
    store: () => options.workspace.store,
    onEvent: runProgressRelay(emit),
    onError: (message) => emit('app.log', { level: 'error', message }),
    start: options.startRun,
  });
  options.lifecycle?.onClose(async () => {
    tasks.cancelAll();
    await scheduler.close();
    models.clear();
  });
  return { home: options.home, emit, models, tasks, scheduler };
}
