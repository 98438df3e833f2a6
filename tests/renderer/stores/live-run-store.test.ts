import { describe, expect, it } from 'vitest';
import type { SeriesQuery } from '../../../src/shared/contract.ts';
import { INITIAL_MAX_POINTS, useLiveRunStore } from '../../../src/renderer/src/stores/live-run-store.ts';
import { createFakeTransport, installFake } from '../support/fake-transport.ts';
import { evaluation, runDetail, runRow } from '../support/run-rows.ts';

/** A run whose `loss` at step s is 1/s, recorded up to `last`, served like runs.series does. */
function backend() {
  let last = 3;
  let evaluations = [evaluation({ step: 2, metrics: { 'ndcg@10': 0.2 } })];
  const queries: SeriesQuery[] = [];
  const points = (since: number) => {
    const steps = Array.from({ length: last }, (_, i) => i + 1).filter((s) => s > since);
    return steps;
  };
  const fake = createFakeTransport({
    'runs.get': ({ runId }) => runDetail(runRow({ id: runId, status: 'running', step: last })),
    'runs.evaluations': () => evaluations,
    'runs.series': (q) => {
      queries.push(q);
      const steps = points(q.sinceStep ?? -1);
      return {
        runId: q.runId,
        lastStep: last,
        series: [
          { name: 'loss', steps, values: steps.map((s) => 1 / s), wallTimes: steps.map(() => 0) },
          { name: 'lr', steps, values: steps.map((s) => (s === 2 ? null : 0.1)), wallTimes: steps.map(() => 0) },
        ],
      };
    },
  });
  installFake(fake);
  return {
    fake,
    queries,
    advance: (to: number) => (last = to),
    addEvaluation: () => (evaluations = [...evaluations, evaluation({ step: last, metrics: { 'ndcg@10': 0.3 } })]),
  };
}

describe('live run store', () => {
  it('loads a run’s series, then fetches only what is new on runs.metrics', async () => {
    const b = backend();
    const live = useLiveRunStore();
    await live.open('r');
    expect(b.queries[0]).toEqual({ runId: 'r', maxPoints: INITIAL_MAX_POINTS });
    expect(live.series.loss).toEqual({ steps: [1, 2, 3], values: [1, 1 / 2, 1 / 3] });
    expect(live.series.lr.values).toEqual([0.1, null, 0.1]);
    expect([live.lastStep, live.detail?.status, live.evaluations.length]).toEqual([3, 'running', 1]);

    b.advance(6);
    b.addEvaluation();
    b.fake.emit('runs.metrics', { runId: 'r', step: 6 });
    await expect.poll(() => live.lastStep).toBe(6);
    // The last step held (3) is fetched again, in case values for it came late.
    expect(b.queries.at(-1)).toEqual({ runId: 'r', sinceStep: 2 });
    expect(live.series.loss).toEqual({ steps: [1, 2, 3, 4, 5, 6], values: [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6] });
    expect(live.evaluations.map((e) => e.step)).toEqual([2, 6]);
    expect(live.detail?.step).toBe(6);

    // Events about other runs are not ours.
    const before = b.queries.length;
    b.fake.emit('runs.metrics', { runId: 'other', step: 100 });
    await Promise.resolve();
    expect(b.queries.length).toBe(before);
  });

  it('coalesces events arriving during a fetch into one more fetch', async () => {
    const b = backend();
    const live = useLiveRunStore();
    await live.open('r');
    b.advance(4);
    const first = live.fetchNew();
    b.advance(5);
    void live.fetchNew();
    void live.fetchNew();
    await first;
    expect(b.queries.slice(1)).toEqual([
      { runId: 'r', sinceStep: 2 },
      { runId: 'r', sinceStep: 3 },
    ]);
    expect(live.lastStep).toBe(5);
  });

  it('reads a long run again, downsampled, when live points pile up', async () => {
    const b = backend();
    const live = useLiveRunStore();
    await live.open('r');
    b.advance(2 * INITIAL_MAX_POINTS + 5);
    await live.fetchNew();
    await expect.poll(() => b.queries.at(-1)).toEqual({ runId: 'r', maxPoints: INITIAL_MAX_POINTS });
    expect(b.queries.at(-2)).toEqual({ runId: 'r', sinceStep: 2 });
  });

  it('reloads everything when the run was rewound, and says when it was deleted', async () => {
    const b = backend();
    const live = useLiveRunStore();
    b.advance(8);
    await live.open('r');
    b.advance(5);
    b.fake.emit('runs.metrics', { runId: 'r', step: 5 });
    await expect.poll(() => live.lastStep).toBe(5);
    expect(b.queries.at(-1)).toEqual({ runId: 'r', maxPoints: INITIAL_MAX_POINTS });
    expect(live.series.loss.steps).toEqual([1, 2, 3, 4, 5]);

    b.fake.emit('runs.changed', { runIds: [], removed: ['r'] });
    expect(live.deleted).toBe(true);
    const calls = b.fake.calls.length;
    await live.fetchNew();
    expect(b.fake.calls.length).toBe(calls);
  });
});
