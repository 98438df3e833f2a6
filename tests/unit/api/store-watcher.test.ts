import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiHarness, type ApiHarness } from './api-harness.ts';
import { recordSteps, seedRun } from '../../helpers/seed-runs.ts';

let api: ApiHarness;
beforeEach(() => {
  api = apiHarness({ watchIntervalMs: 20 });
});
afterEach(() => api.close());

const eventsOf = (api: ApiHarness, name: string) => api.events.filter((e) => e.event === name).map((e) => e.payload);

describe('store watcher', () => {
  it('turns another process’s writes into runs.changed and runs.metrics while someone listens', async () => {
    await api.call('runs.list', {});
    api.audience.set(1);
    const trainer = api.other();
    const run = seedRun(trainer, { name: 'live', model: 'm', k: 1, status: 'running' });
    // Created, then running: one event or two, depending on whether a tick fell between the commits.
    await expect.poll(() => eventsOf(api, 'runs.changed').at(-1)).toEqual({ runIds: [run.id], removed: [] });
    const changes = eventsOf(api, 'runs.changed').length;

    recordSteps(trainer, run.id, 1, 5, 1);
    await expect.poll(() => eventsOf(api, 'runs.metrics')).toEqual([{ runId: run.id, step: 5 }]);
    // A heartbeat moves nothing the views show: no event.
    trainer.runs.heartbeat(run.id);
    recordSteps(trainer, run.id, 6, 8, 1);
    await expect.poll(() => eventsOf(api, 'runs.metrics')).toEqual([
      { runId: run.id, step: 5 },
      { runId: run.id, step: 8 },
    ]);
    expect(eventsOf(api, 'runs.changed')).toHaveLength(changes);

    trainer.runs.transition(run.id, 'collapsed', { reason: 'all zero', step: 8 });
    await expect.poll(() => eventsOf(api, 'runs.changed')).toHaveLength(changes + 1);

    // Rewound to resume from a checkpoint: the last step goes down, and charts must reload.
    trainer.rewindRun(run.id, 3);
    await expect.poll(() => eventsOf(api, 'runs.metrics').at(-1)).toEqual({ runId: run.id, step: 3 });
  });

  it('sees this process’s own writes at once and deletions as removed', async () => {
    const run = seedRun(api.workspace.store, { name: 'mine', model: 'm', k: 1 });
    api.audience.set(1);
    await api.call('runs.updateMeta', { runId: run.id, tags: ['x'] });
    expect(eventsOf(api, 'runs.changed')).toEqual([{ runIds: [run.id], removed: [] }]);
    await api.call('runs.delete', { runId: run.id });
    expect(eventsOf(api, 'runs.changed').at(-1)).toEqual({ runIds: [], removed: [run.id] });
  });

  it('stops looking when the last listener leaves, and does not report what happened meanwhile', async () => {
    await api.call('runs.list', {});
    api.audience.set(2);
    const trainer = api.other();
    api.audience.set(0);
    seedRun(trainer, { name: 'unseen', model: 'm', k: 1, recordedSteps: 3 });
    await new Promise((r) => setTimeout(r, 100));
    expect(api.events).toEqual([]);
    api.audience.set(1);
    const seen = seedRun(trainer, { name: 'seen', model: 'm', k: 1, status: 'running' });
    await expect.poll(() => eventsOf(api, 'runs.changed').at(-1)).toEqual({ runIds: [seen.id], removed: [] });
    expect(api.events.every((e) => e.event !== 'runs.changed' || (e.payload as { runIds: string[] }).runIds.every((id) => id === seen.id))).toBe(true);
  });

  it('never opens the store by itself', async () => {
    api.audience.set(1);
    await new Promise((r) => setTimeout(r, 80));
    expect(api.workspace.isOpen).toBe(false);
  });
});
