import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunRow } from '../../../src/shared/contract.ts';
import { ApiError } from '../../../src/shared/api-error.ts';
import { useRunsStore } from '../../../src/renderer/src/stores/runs-store.ts';
import { createFakeTransport, installFake } from '../support/fake-transport.ts';
import { runDetail, runRow } from '../support/run-rows.ts';

afterEach(() => {
  vi.useRealTimers();
});

function backend(initial: RunRow[]) {
  let rows = [...initial];
  const fake = createFakeTransport({
    'runs.list': (filter) => rows.filter((r) => !filter.status || filter.status.includes(r.status)),
    'runs.get': ({ runId }) => {
      const row = rows.find((r) => r.id === runId);
      if (!row) throw new ApiError('not_found', `unknown run "${runId}"`);
      return runDetail(row, { heartbeatAt: '2025-01-01T00:00:00.000Z' });
    },
    'runs.updateMeta': ({ runId, ...changes }) => {
      rows = rows.map((r) => (r.id === runId ? { ...r, ...changes } : r));
      return rows.find((r) => r.id === runId)!;
    },
    'runs.cancel': ({ runId }) => ({ outcome: 'requested', run: { ...rows.find((r) => r.id === runId)!, cancelRequested: true } }),
    'runs.delete': ({ runId }) => {
      const row = rows.find((r) => r.id === runId)!;
      if (row.status === 'running') throw new ApiError('conflict', `run ${runId} is running`);
      rows = rows.filter((r) => r.id !== runId);
      return { runId, removedFiles: false };
    },
  });
  installFake(fake);
  return { fake, set: (next: RunRow[]) => (rows = next) };
}

describe('runs store', () => {
  it('lists runs with the status filter and keeps only selections that still exist', async () => {
    const { fake, set } = backend([runRow({ id: 'a' }), runRow({ id: 'b', status: 'running' })]);
    const store = useRunsStore();
    await store.refresh();
    expect(store.rows.map((r) => r.id)).toEqual(['a', 'b']);
    store.selected = ['a', 'b'];
    await store.setFilter({ status: ['running'] });
    expect(fake.calls.at(-1)).toEqual({ method: 'runs.list', params: { status: ['running'] } });
    expect(store.rows.map((r) => r.id)).toEqual(['b']);
    expect(store.selected).toEqual(['b']);
    set([]);
    await store.refresh();
    expect([store.rows, store.selected, store.error]).toEqual([[], [], null]);
  });

  it('edits, cancels and deletes through the API, updating its rows; a refusal reaches the caller', async () => {
    backend([runRow({ id: 'a' }), runRow({ id: 'b', status: 'running' })]);
    const store = useRunsStore();
    await store.refresh();
    await store.updateMeta('a', { name: 'renamed', tags: ['x'] });
    expect(store.rows.find((r) => r.id === 'a')).toMatchObject({ name: 'renamed', tags: ['x'] });
    expect(await store.cancel('b')).toBe('requested');
    expect(store.rows.find((r) => r.id === 'b')?.cancelRequested).toBe(true);
    await expect(store.remove('b')).rejects.toMatchObject({ code: 'conflict' });
    expect(store.rows).toHaveLength(2);
    store.selected = ['a'];
    await store.remove('a');
    expect([store.rows.map((r) => r.id), store.selected]).toEqual([['b'], []]);
  });

  it('refetches the list once per burst of runs.changed, and a running run’s row on runs.metrics (throttled)', async () => {
    vi.useFakeTimers();
    const { fake, set } = backend([runRow({ id: 'a', status: 'running', step: 10 })]);
    const store = useRunsStore();
    await store.refresh();
    const listCalls = () => fake.calls.filter((c) => c.method === 'runs.list').length;

    set([runRow({ id: 'a', status: 'running', step: 10 }), runRow({ id: 'n' })]);
    fake.emit('runs.changed', { runIds: ['n'], removed: [] });
    fake.emit('runs.changed', { runIds: ['a'], removed: [] });
    expect(listCalls()).toBe(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(listCalls()).toBe(2);
    expect(store.rows.map((r) => r.id)).toEqual(['a', 'n']);

    set([runRow({ id: 'a', status: 'running', step: 20, lastMetrics: { loss: 0.5 } }), runRow({ id: 'n' })]);
    fake.emit('runs.metrics', { runId: 'a', step: 20 });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.rows[0]).toMatchObject({ step: 20, lastMetrics: { loss: 0.5 } });
    expect(Object.keys(store.rows[0])).not.toContain('history');
    fake.emit('runs.metrics', { runId: 'a', step: 21 });
    expect(fake.calls.filter((c) => c.method === 'runs.get')).toHaveLength(1);
  });
});
