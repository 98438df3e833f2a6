import type { DemoInfo } from '../../../shared/contract.ts';
import { DEMO_DATASETS } from '../../demo/demo-resources.ts';
import { DEMO_SWEEP, DEMO_TAG, demoSweepBackbones, planDemoSweep } from '../../demo/demo-sweep.ts';
import { recordedDatasets, recordedDemoBackbones } from '../../demo/register.ts';
import { InputError } from '../../errors.ts';
import type { PlannedSweep } from '../../runs/sweep.ts';
import type { Store } from '../../store/store.ts';
import type { ApiContext } from '../api-context.ts';
import { conflict } from '../api-failure.ts';
import type { Handlers } from '../create-api.ts';
import type { EngineContext } from '../engine-context.ts';
import { checkPlan, createAndEnqueue } from './runs-start.ts';

/** The demo datasets this workspace holds as the demo registered them (not a user's dataset of the same name). */
function demoDatasets(store: Store): DemoInfo['datasets'] {
  const recorded = recordedDatasets(store);
  const out: DemoInfo['datasets'] = [];
  for (const spec of DEMO_DATASETS) {
    const record = store.datasets.get(spec.name);
    const ours = recorded[spec.name];
    if (record && ours && record.source === ours.source) out.push({ name: spec.name, path: record.path });
  }
  return out;
}

function demoPlan(store: Store): PlannedSweep | null {
  const backbones = recordedDemoBackbones(store);
  if (backbones.length === 0 || demoDatasets(store).length < DEMO_DATASETS.length) return null;
  return planDemoSweep(demoSweepBackbones(backbones), DEMO_SWEEP, () => 'planned');
}

/** The runs of the newest sweep tagged `demo`, in queue order. */
function latestSweep(store: Store): DemoInfo['sweep'] {
  const newest = store.runs.list({ tag: DEMO_TAG }).find((r) => r.sweepId !== null);
  if (!newest?.sweepId) return null;
  const runs = store.runs.list({ sweepId: newest.sweepId }).reverse();
  return { sweepId: newest.sweepId, runs: runs.map((r) => ({ runId: r.id, name: r.name, status: r.status })) };
}

/**
 * Running anywhere, or queued in this API's queue. A queued run no queue holds (its server stopped) does not
 * block a new demo: `runs.resume` or `runs.cancel` deals with it.
 */
function isActive(sweep: DemoInfo['sweep'], engine: EngineContext): boolean {
  return sweep !== null && sweep.runs.some((r) => r.status === 'running' || (r.status === 'queued' && engine.scheduler.holds(r.runId)));
}

/** The one-click demo sweep (see src/core/demo/demo-sweep.ts), trained from this API's run queue. */
export function demoHandlers(ctx: ApiContext, engine: EngineContext): Pick<Handlers, 'demo.info' | 'demo.run'> {
  return {
    'demo.info': (): DemoInfo => {
      const store = ctx.workspace.store;
      const plan = demoPlan(store);
      const sweep = latestSweep(store);
      return {
        datasets: demoDatasets(store),
        backbones: recordedDemoBackbones(store).map((b) => ({ id: b.id, label: b.label, path: b.path })),
        ready: plan !== null,
        plan: (plan?.runs ?? []).map((r) => ({
          name: r.name ?? '',
          kind: r.config.kind,
          backbone: r.config.kind === 'bm25' ? 'bm25' : r.config.model,
          k: r.config.kind === 'bm25' ? null : r.config.k,
        })),
        sweep,
        active: isActive(sweep, engine),
      };
    },

    'demo.run': async () => {
      const store = ctx.workspace.store;
      if (isActive(latestSweep(store), engine)) throw conflict('the demo sweep is already queued or training; wait for it or cancel its runs');
      if (demoPlan(store) === null) {
        throw new InputError('the demo is not registered in this workspace (its datasets or backbones are missing; npm run build:demo-models, then restart)', { field: 'demo' });
      }
      const plan = planDemoSweep(demoSweepBackbones(recordedDemoBackbones(store)));
      await checkPlan(plan);
      const created = createAndEnqueue(ctx, engine, plan, DEMO_SWEEP.maxParallel);
      return { sweepId: plan.sweepId!, runIds: created.map((r) => r.id) };
    },
  };
}
