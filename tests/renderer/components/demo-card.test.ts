import { describe, expect, it } from 'vitest';
import { createSSRApp, nextTick } from 'vue';
import { renderToString } from 'vue/server-renderer';
import type { DemoInfo, RunStatus } from '../../../src/shared/contract.ts';
import DemoCard from '../../../src/renderer/src/components/DemoCard.vue';
import RunsView from '../../../src/renderer/src/views/RunsView.vue';
import { useDemoStore } from '../../../src/renderer/src/stores/demo-store.ts';
import { useNavStore } from '../../../src/renderer/src/stores/nav-store.ts';
import { useRunsStore } from '../../../src/renderer/src/stores/runs-store.ts';
import { createFakeTransport, installFake } from '../support/fake-transport.ts';

// Components render on the server here (no DOM): the card is rendered from its store, and the store's
// actions are the card's button handlers (`demo.run()`, `demo.openComparison()`).
const text = (html: string) => html.replace(/<!--[^>]*-->/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

const IDS = ['b', 's1', 's2', 's3', 's4', 's5', 's6'];

function info(statuses: RunStatus[] | null): DemoInfo {
  return {
    datasets: [{ name: 'cranfield', path: '/h/datasets/cranfield' }, { name: 'med', path: '/h/datasets/med' }],
    backbones: [{ id: 'bert-mini', label: 'BERT mini', path: '/d/bert-mini' }, { id: 'modernbert-mini', label: 'ModernBERT mini', path: '/d/modernbert-mini' }],
    ready: true,
    plan: [{ name: 'demo-bm25', kind: 'bm25', backbone: 'bm25', k: null }, ...[1, 4, 16, 1, 4, 16].map((k, i) => ({ name: `demo-k${k}-${i}`, kind: 'splade', backbone: i < 3 ? '/d/modernbert-mini' : '/d/bert-mini', k }))],
    sweep: statuses === null ? null : { sweepId: 'S', runs: IDS.map((runId, i) => ({ runId, name: `run-${runId}`, status: statuses[i]! })) },
    active: statuses !== null && statuses.some((s) => s === 'queued' || s === 'running'),
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await nextTick();
}

describe('DemoCard', () => {
  it('offers the demo sweep; Run calls demo.run; progress follows runs.changed; all ended opens Compare on the demo runs', async () => {
    let current = info(null);
    const fake = createFakeTransport({
      'demo.info': () => current,
      'demo.run': () => {
        current = info(['queued', 'queued', 'queued', 'queued', 'queued', 'queued', 'queued']);
        return { sweepId: 'S', runIds: IDS };
      },
    });
    const { app } = installFake(fake, createSSRApp(DemoCard, { prominent: true }));
    const demo = useDemoStore();
    const nav = useNavStore();
    await demo.refresh();
    let html = await renderToString(app);
    expect(html).toContain('class="demo-card prominent"');
    expect(text(html)).toContain('Trains 6 SPLADE runs (k ∈ {1, 4, 16} × bert-mini, modernbert-mini)');
    expect(html).not.toContain('data-testid="demo-progress"');
    expect(html).toMatch(/<button type="button" class="primary" data-testid="demo-run"[^>]*>\s*Run the demo sweep/);
    expect(html).toMatch(/<button type="button" disabled data-testid="demo-compare"[^>]*>/);

    await demo.run();
    expect(fake.calls.filter((c) => c.method === 'demo.run')).toEqual([{ method: 'demo.run', params: {} }]);
    html = await renderToString(app);
    expect(text(html)).toContain('Running: 0 / 7 runs ended');
    expect(html).toMatch(/<button type="button" class="primary" disabled data-testid="demo-run"[^>]*>\s*Demo running…/);

    current = info(['finished', 'finished', 'failed', 'running', 'queued', 'queued', 'queued']);
    fake.emit('runs.changed', { runIds: ['s2'], removed: [] });
    await settle();
    expect(text(await renderToString(app))).toContain('Running: 3 / 7 runs ended');
    expect(nav.current).toBe('runs');

    // News of a run that is not the demo's does not refetch.
    const infoCalls = fake.calls.filter((c) => c.method === 'demo.info').length;
    fake.emit('runs.changed', { runIds: ['other'], removed: [] });
    await settle();
    expect(fake.calls.filter((c) => c.method === 'demo.info')).toHaveLength(infoCalls);

    current = info(['finished', 'finished', 'failed', 'finished', 'collapsed', 'finished', 'cancelled']);
    fake.emit('runs.changed', { runIds: ['s6'], removed: [] });
    await settle();
    expect(text(await renderToString(app))).toContain('Last demo sweep: 7 / 7 runs ended');
    expect([nav.current, nav.compareIds, nav.hash]).toEqual(['compare', IDS, `#/compare/${IDS.join(',')}`]);
  });

  it('shows an earlier demo sweep without navigating to it, and opens its comparison on request', async () => {
    const fake = createFakeTransport({ 'demo.info': () => info(['finished', 'finished', 'finished', 'finished', 'failed', 'finished', 'finished']) });
    const { app } = installFake(fake, createSSRApp(DemoCard));
    const demo = useDemoStore();
    const nav = useNavStore();
    await demo.refresh();
    const html = await renderToString(app);
    expect(html).toContain('class="demo-card"');
    expect(text(html)).toContain('Last demo sweep: 7 / 7 runs ended');
    expect(nav.current).toBe('runs');
    demo.openComparison();
    expect([nav.current, nav.compareIds]).toEqual(['compare', IDS]);
  });

  it('sits at the top of the Runs view, prominent while there are no runs; absent when the server has no demo', async () => {
    const withDemo = createFakeTransport({ 'demo.info': () => info(null), 'runs.list': () => [] });
    const { app } = installFake(withDemo, createSSRApp(RunsView));
    await useRunsStore().refresh();
    await useDemoStore().refresh();
    const html = await renderToString(app);
    expect(html).toContain('class="demo-card prominent"');
    expect(html.indexOf('data-testid="demo-card"')).toBeLessThan(html.indexOf('data-testid="runs-table"'));

    const without = createFakeTransport({ 'runs.list': () => [] });
    const bare = installFake(without, createSSRApp(RunsView));
    await useRunsStore().refresh();
    await useDemoStore().refresh();
    expect(useDemoStore().error).toBe('unknown method "demo.info"');
    expect(await renderToString(bare.app)).not.toContain('data-testid="demo-card"');
  });
});
