import { describe, expect, it } from 'vitest';
import { createSSRApp, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import RunsView from '../../../src/renderer/src/views/RunsView.vue';
import LiveRunView from '../../../src/renderer/src/views/LiveRunView.vue';
import CompareView from '../../../src/renderer/src/views/CompareView.vue';
import RunStatusBanner from '../../../src/renderer/src/components/RunStatusBanner.vue';
import { useRunsStore } from '../../../src/renderer/src/stores/runs-store.ts';
import { useLiveRunStore } from '../../../src/renderer/src/stores/live-run-store.ts';
import { useCompareStore } from '../../../src/renderer/src/stores/compare-store.ts';
import { useNavStore } from '../../../src/renderer/src/stores/nav-store.ts';
import { createFakeTransport, installFake } from '../support/fake-transport.ts';
import { evaluation, runDetail, runRow } from '../support/run-rows.ts';

const text = (html: string) => html.replace(/<!--[^>]*-->/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

const COLLAPSED = runRow({ id: 'c1', name: 'k64', status: 'collapsed', reason: 'document vectors all zero for 20 steps', step: 37 });
const FINISHED = runRow({
  id: 'f1',
  name: 'k1',
  lastMetrics: { loss: 0.43 },
  evaluations: [evaluation({ step: 100, metrics: { 'ndcg@10': 0.312, doc_nnz_mean: 310.5, flops: 12.4 }, hasPerQuery: true })],
});
const RUNNING = runRow({
  id: 'r1',
  name: 'k16',
  status: 'running',
  step: 40,
  config: { kind: 'splade', model: 'bert-tiny', k: 16, steps: 100, train: { lr: 2e-5, lambdaQ: 1e-3 } },
  evaluations: [evaluation({ step: 40, metrics: { 'ndcg@10': 0.348, flops: 2.1 }, hasPerQuery: true })],
});
const BM25 = runRow({ id: 'z', name: 'bm25-cranfield', config: { kind: 'bm25', dataset: 'cranfield' }, evaluations: [evaluation({ step: 0, metrics: { 'ndcg@10': 0.29 } })] });
const ALL = [RUNNING, COLLAPSED, FINISHED, BM25];

function fake() {
  return createFakeTransport({
    'runs.list': () => ALL,
    'runs.get': ({ runId }) => runDetail(ALL.find((r) => r.id === runId)!),
    'runs.metricNames': () => ['loss'],
    'runs.evaluations': ({ runId }) => ALL.find((r) => r.id === runId)!.evaluations,
    'runs.series': ({ runId }) => ({ runId, lastStep: 2, series: [{ name: 'loss', steps: [1, 2], values: [2, 1], wallTimes: [0, 0] }] }),
    'compare.configDiff': ({ runIds }) => ({
      runIds,
      rows: [
        { key: 'k', values: [{ present: true, value: 1 }, { present: true, value: 16 }] },
        { key: 'train.lambdaQ', values: [{ present: false }, { present: true, value: 1e-3 }] },
      ],
      sameCount: 9,
    }),
  });
}

describe('RunsView', () => {
  it('shows each run’s status badge, why a collapsed run stopped and at which step, and its metrics', async () => {
    const { app } = installFake(fake(), createSSRApp(RunsView));
    await useRunsStore().refresh();
    const html = await renderToString(app);
    expect(html.match(/data-testid="status-badge"/g)).toHaveLength(4);
    expect(html).toContain('class="status-badge collapsed"');
    expect(text(html)).toContain('collapsed at step 37: document vectors all zero for 20 steps');
    expect(text(html)).toContain('k1 ↗ bert-tiny 1 0.312 310.5 12.4 0.43 100');
    expect(text(html)).toContain('4 / 4');
    expect(html).toMatch(/<button[^>]*disabled[^>]*data-testid="compare-selected"/);
  });
});

describe('RunStatusBanner', () => {
  it('says why a run collapsed and at which step, from its status history', async () => {
    const run = runDetail(runRow({ ...COLLAPSED, step: 40 }), { history: [{ from: 'running', to: 'collapsed', reason: COLLAPSED.reason, step: 37, at: '' }] });
    const html = await renderToString(createSSRApp({ render: () => h(RunStatusBanner, { run }) }));
    expect(text(html).trim()).toBe('Collapsed at step 37 of 100: document vectors all zero for 20 steps');
  });

  it('shows a running run’s progress and heartbeat, and a requested cancel', async () => {
    const run = runDetail(RUNNING, { heartbeatAt: '2025-01-01T00:00:00.000Z' });
    const now = Date.parse('2025-01-01T00:00:03.000Z');
    expect(text(await renderToString(createSSRApp({ render: () => h(RunStatusBanner, { run, now }) }))).trim()).toBe('Running — step 40 of 100 heartbeat 3 s ago');
    const stopping = { ...run, cancelRequested: true };
    expect(text(await renderToString(createSSRApp({ render: () => h(RunStatusBanner, { run: stopping, now }) })))).toContain('Stopping: cancel requested at step 40 of 100');
  });
});

describe('LiveRunView', () => {
  it('draws a chart per metric group and lists the evaluations', async () => {
    const { app } = installFake(fake(), createSSRApp(LiveRunView));
    useNavStore().openLive('r1');
    await useLiveRunStore().open('r1');
    const html = await renderToString(app);
    expect(html).toContain('data-testid="chart-losses"');
    expect(html).toContain('data-testid="chart-eval-cranfield/test"');
    expect(text(html)).toContain('last step 2');
    expect(text(html)).toContain('Running — step 40 of 100');
  });
});

describe('CompareView', () => {
  it('shows the config differences, the BM25 baseline row and the compared runs', async () => {
    const { app } = installFake(fake(), createSSRApp(CompareView));
    useNavStore().openCompare(['f1', 'r1']);
    await useCompareStore().load(['f1', 'r1']);
    const html = await renderToString(app);
    const t = text(html);
    expect(t).toContain('Config key k1 k16');
    expect(t).toContain('k 1 16 train.lambdaQ — 0.001');
    expect(t).toContain('9 key(s) with the same value in every run are not shown.');
    expect(t).toContain('bm25-cranfield (BM25 baseline) BM25');
    expect(t).toMatch(/k1 bert-tiny 1 100 0\.312/);
    expect(html).toContain('data-testid="k-chart"');
    expect(html).toContain('data-testid="sparsity-chart"');
  });
});
