import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { RunStateError } from '../../../src/core/store/errors.ts';
import { RUN_STATUSES, type RunStatus } from '../../../src/core/store/run-status.ts';
import { useTempStore } from '../../helpers/temp-home.ts';

const ws = useTempStore();

const config = {
  backbone: 'bert-base-uncased',
  k: 16,
  hyperparameters: { lr: 2e-5, batchSize: 32, lambdaQ: 5e-4, lambdaD: 3e-4 },
  seed: 42,
  backend: 'wasm',
  versions: { lsr: '0.1.0', tfjs: '4.22.0' },
};

describe('runs', () => {
  it('round-trips every field', () => {
    const created = ws.store.runs.create({ name: 'k16', config, tags: ['sweep-a', 'k16', 'k16'], notes: 'first try', sweepId: 'sw1' });
    expect(created).toEqual({
      id: created.id,
      name: 'k16',
      status: 'queued',
      reason: null,
      config,
      tags: ['sweep-a', 'k16'],
      notes: 'first try',
      sweepId: 'sw1',
      pid: null,
      host: null,
      heartbeatAt: null,
      cancelRequestedAt: null,
      lastStep: null,
      createdAt: '2025-01-02T03:04:05.000Z',
      updatedAt: '2025-01-02T03:04:05.000Z',
      startedAt: null,
      endedAt: null,
    });
    expect(ws.store.runs.get(created.id)).toEqual(created);
    const unnamed = ws.store.runs.create({ config: {} });
    expect(unnamed.name).toBe(unnamed.id);

    ws.clock.advance(1000);
    const updated = ws.store.runs.update(created.id, { name: 'renamed', tags: ['x'], notes: 'n', config: { ...config, k: 4 } });
    expect(updated).toMatchObject({ name: 'renamed', tags: ['x'], notes: 'n', updatedAt: '2025-01-02T03:04:06.000Z' });
    expect(updated.config.k).toBe(4);
  });

  it('lists newest first and filters by status, sweep and tag', () => {
    const a = ws.store.runs.create({ name: 'a', config: {}, tags: ['t1'], sweepId: 's' });
    ws.clock.advance(1);
    const b = ws.store.runs.create({ name: 'b', config: {}, tags: ['t2'], sweepId: 's' });
    ws.clock.advance(1);
    const c = ws.store.runs.create({ name: 'c', config: {}, tags: ['t1', 't2'] });
    ws.store.runs.transition(b.id, 'running');
    expect(ws.store.runs.list().map((r) => r.name)).toEqual(['c', 'b', 'a']);
    expect(ws.store.runs.list({ status: 'running' }).map((r) => r.id)).toEqual([b.id]);
    expect(ws.store.runs.list({ sweepId: 's' }).map((r) => r.id)).toEqual([b.id, a.id]);
    expect(ws.store.runs.list({ tag: 't1' }).map((r) => r.id)).toEqual([c.id, a.id]);
  });

  it('allows exactly the lifecycle transitions', () => {
    const allowed: Record<RunStatus, RunStatus[]> = {
      queued: ['running', 'cancelled', 'failed'],
      running: ['finished', 'failed', 'collapsed', 'cancelled', 'interrupted'],
      cancelled: ['running', 'queued'],
      interrupted: ['running', 'queued', 'cancelled', 'failed'],
      finished: [],
      failed: [],
      collapsed: [],
    };
    // A path from queued to each status, to set up the starting point of every pair.
    const pathTo: Record<RunStatus, RunStatus[]> = {
      queued: [],
      running: ['running'],
      finished: ['running', 'finished'],
      failed: ['failed'],
      collapsed: ['running', 'collapsed'],
      cancelled: ['cancelled'],
      interrupted: ['running', 'interrupted'],
    };
    for (const from of RUN_STATUSES) {
      for (const to of RUN_STATUSES) {
        const run = ws.store.runs.create({ config: {} });
        for (const s of pathTo[from]) ws.store.runs.transition(run.id, s);
        expect(ws.store.runs.require(run.id).status).toBe(from);
        if (allowed[from].includes(to)) {
          expect(ws.store.runs.transition(run.id, to).status).toBe(to);
        } else {
          expect(() => ws.store.runs.transition(run.id, to)).toThrow(RunStateError);
          expect(ws.store.runs.require(run.id).status).toBe(from);
        }
      }
    }
  });

  it('records every transition with time, reason and step; running records the process', () => {
    const run = ws.store.runs.create({ config });
    ws.clock.advance(1000);
    const started = ws.store.runs.transition(run.id, 'running', { pid: 4242 });
    expect(started).toMatchObject({ pid: 4242, startedAt: '2025-01-02T03:04:06.000Z', heartbeatAt: '2025-01-02T03:04:06.000Z', endedAt: null });
    ws.clock.advance(1000);
    ws.store.runs.heartbeat(run.id, 7);
    expect(ws.store.runs.require(run.id)).toMatchObject({ lastStep: 7, heartbeatAt: '2025-01-02T03:04:07.000Z' });
    ws.clock.advance(1000);
    const stopped = ws.store.runs.transition(run.id, 'interrupted', { reason: 'process died', step: 9 });
    expect(stopped).toMatchObject({ status: 'interrupted', reason: 'process died', pid: null, lastStep: 9, endedAt: '2025-01-02T03:04:08.000Z' });
    ws.clock.advance(1000);
    const resumed = ws.store.runs.transition(run.id, 'running', { pid: 5151 });
    expect(resumed).toMatchObject({ reason: null, pid: 5151, startedAt: '2025-01-02T03:04:06.000Z', endedAt: null, lastStep: 9 });
    ws.clock.advance(1000);
    ws.store.runs.transition(run.id, 'collapsed', { reason: 'all-zero document vectors for 50 steps', step: 120 });
    expect(ws.store.runs.history(run.id)).toEqual([
      { from: null, to: 'queued', reason: null, step: null, at: '2025-01-02T03:04:05.000Z' },
      { from: 'queued', to: 'running', reason: null, step: null, at: '2025-01-02T03:04:06.000Z' },
      { from: 'running', to: 'interrupted', reason: 'process died', step: 9, at: '2025-01-02T03:04:08.000Z' },
      { from: 'interrupted', to: 'running', reason: null, step: 9, at: '2025-01-02T03:04:09.000Z' },
      { from: 'running', to: 'collapsed', reason: 'all-zero document vectors for 50 steps', step: 120, at: '2025-01-02T03:04:10.000Z' },
    ]);
    expect(() => ws.store.runs.transition(run.id, 'running')).toThrow(/is collapsed and cannot become running/);
  });

  it('expectedFrom guards against a racing writer', () => {
    const run = ws.store.runs.create({ config: {} });
    ws.store.runs.transition(run.id, 'running');
    ws.store.runs.transition(run.id, 'finished');
    expect(() => ws.store.runs.transition(run.id, 'interrupted', { expectedFrom: 'running' })).toThrow(RunStateError);
  });

  it('cancel: a running run gets a flag its process polls; queued and interrupted ones are cancelled at once', () => {
    const running = ws.store.runs.create({ config: {} });
    ws.store.runs.transition(running.id, 'running');
    expect(ws.store.runs.isCancelRequested(running.id)).toBe(false);
    const r1 = ws.store.runs.requestCancel(running.id);
    expect(r1.outcome).toBe('requested');
    expect(r1.run.status).toBe('running');
    expect(r1.run.cancelRequestedAt).toBe('2025-01-02T03:04:05.000Z');
    expect(ws.store.runs.isCancelRequested(running.id)).toBe(true);
    // The process then stops itself; a resume clears the flag.
    ws.store.runs.transition(running.id, 'cancelled', { reason: 'cancelled by user', step: 3 });
    expect(ws.store.runs.transition(running.id, 'running').cancelRequestedAt).toBeNull();

    const queued = ws.store.runs.create({ config: {} });
    expect(ws.store.runs.requestCancel(queued.id)).toMatchObject({ outcome: 'cancelled', run: { status: 'cancelled', reason: 'cancelled by user' } });

    const done = ws.store.runs.create({ config: {} });
    ws.store.runs.transition(done.id, 'running');
    ws.store.runs.transition(done.id, 'finished');
    expect(ws.store.runs.requestCancel(done.id)).toMatchObject({ outcome: 'already-ended', run: { status: 'finished' } });
    expect(ws.store.runs.isCancelRequested(done.id)).toBe(false);
  });

  it('resolves a run by id, unique id prefix, or unique name; unknown is an InputError', () => {
    const a = ws.store.runs.create({ name: 'alpha', config: {} });
    const b = ws.store.runs.create({ name: 'twin', config: {} });
    const c = ws.store.runs.create({ name: 'twin', config: {} });
    expect(ws.store.runs.resolve(a.id).id).toBe(a.id);
    expect(ws.store.runs.resolve('alpha').id).toBe(a.id);
    // Made in one millisecond, the ids share their first 9 characters; the shortest prefix unique to b resolves.
    const others = [a.id, c.id];
    let length = 4;
    while (others.some((id) => id.startsWith(b.id.slice(0, length)))) length++;
    expect(ws.store.runs.resolve(b.id.slice(0, length)).id).toBe(b.id);
    expect(() => ws.store.runs.resolve(a.id.slice(0, 9))).toThrow(/matches several runs/);
    expect(() => ws.store.runs.resolve('twin')).toThrow(/matches several runs/);
    expect(() => ws.store.runs.resolve('nope')).toThrow(InputError);
    expect(() => ws.store.runs.require('nope')).toThrow(InputError);
  });

  it('deleting a run removes everything recorded for it', () => {
    const run = ws.store.runs.create({ config: {} });
    ws.store.runs.transition(run.id, 'running');
    const w = ws.store.metricsWriter(run.id);
    w.append(1, { loss: 1 });
    w.close();
    ws.store.checkpoints.add(run.id, 1, '/ckpt/1');
    ws.store.evaluations.add({ runId: run.id, step: 1, dataset: 'd', split: 'test', metrics: { map: 0.1 } });
    expect(ws.store.runs.delete(run.id)).toBe(true);
    for (const table of ['runs', 'run_status_history', 'metrics', 'checkpoints', 'evaluations']) {
      expect((ws.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n).toBe(0);
    }
  });

  it('refuses records for an unknown run (foreign keys are on)', () => {
    expect(() => ws.store.checkpoints.add('missing', 1, '/x')).toThrow(/FOREIGN KEY/);
  });
});
