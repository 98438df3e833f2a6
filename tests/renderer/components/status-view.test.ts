import { describe, expect, it } from 'vitest';
import { createSSRApp, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import StatusView from '../../../src/renderer/src/views/StatusView.vue';
import DataTable from '../../../src/renderer/src/components/DataTable.vue';
import { useAppStore } from '../../../src/renderer/src/stores/app-store.ts';
import { createFakeTransport, installFake } from '../support/fake-transport.ts';

// Rendered on the server side of Vue (no DOM here): what a component shows for a given store state.
describe('StatusView', () => {
  it('shows what app.info returned', async () => {
    const fake = createFakeTransport({ 'app.info': () => ({ version: '7.8.9', backend: 'wasm', home: '/data/lsr', platform: 'linux-arm64' }) });
    const { app } = installFake(fake, createSSRApp(StatusView));
    await useAppStore().refresh();
    const html = await renderToString(app);
    const field = (id: string) => new RegExp(`data-testid="${id}"[^>]*>(?:<code[^>]*>)?([^<]*)<`).exec(html)?.[1];
    expect([field('info-version'), field('info-home'), field('info-backend'), field('info-platform')]).toEqual(['7.8.9', '/data/lsr', 'wasm', 'linux-arm64']);
    expect(html).toContain('WebSocket (web mode), open');
  });

  it('says when the call failed instead of showing stale data', async () => {
    const fake = createFakeTransport({});
    const { app } = installFake(fake, createSSRApp(StatusView));
    await useAppStore().refresh();
    const html = await renderToString(app);
    expect(html).toContain('Could not read the workbench&#39;s state: unknown method &quot;app.info&quot;');
    expect(html).not.toContain('data-testid="info-version"');
  });
});

describe('DataTable', () => {
  it('renders rows in the initial sort order with formatted cells', async () => {
    const columns = [
      { key: 'name', label: 'Name' },
      { key: 'ndcg', label: 'nDCG@10', numeric: true, format: (v: unknown) => Number(v).toFixed(3) },
    ];
    const rows = [
      { name: 'k=1', ndcg: 0.3012 },
      { name: 'k=16', ndcg: 0.3521 },
      { name: 'k=4', ndcg: 0.33 },
    ];
    const app = createSSRApp({ render: () => h(DataTable, { title: 'Runs', columns, rows, rowKey: 'name', initialSort: { key: 'ndcg', direction: 'desc' } }) });
    const html = await renderToString(app);
    const cells = [...html.matchAll(/<td class="numeric"[^>]*>(?:<!--\[-->)?([^<]*)/g)].map((m) => m[1]);
    expect(cells).toEqual(['0.352', '0.330', '0.301']);
    expect(html).toContain('aria-sort="descending"');
    expect(html).toContain('3 / 3');
  });
});
