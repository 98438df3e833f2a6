import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { Store } from '../../src/core/store/store.ts';
import type { RunRecord } from '../../src/core/store/runs.ts';
import { recordSteps, seedBaseline, seedRun } from '../helpers/seed-runs.ts';
import { HAVE_CHROMIUM, CHROMIUM, launchChromium } from './support/browser.ts';
import { ensureRendererBuilt, ROOT } from './support/renderer-build.ts';
import { startLsrWeb, type LsrWeb } from './support/web-process.ts';
import { WorkbenchPage } from './pages/workbench-page.ts';

if (!HAVE_CHROMIUM) console.warn(`e2e skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const EVAL_A = { 'ndcg@10': 0.312, 'mrr@10': 0.55, 'recall@100': 0.71, map: 0.25, doc_nnz_mean: 310.5, query_nnz_mean: 42.1, flops: 12.4, queries: 4 };
const EVAL_B = { 'ndcg@10': 0.348, 'mrr@10': 0.6, 'recall@100': 0.74, map: 0.27, doc_nnz_mean: 96.2, query_nnz_mean: 18.3, flops: 2.1, queries: 4 };
const PER_QUERY_A = { q1: { 'ndcg@10': 0.5 }, q2: { 'ndcg@10': 0.2 }, q3: { 'ndcg@10': 0.9 }, q4: { 'ndcg@10': 0.4 } };
const PER_QUERY_B = { q1: { 'ndcg@10': 0.75 }, q2: { 'ndcg@10': 0.2 }, q3: { 'ndcg@10': 0.6 }, q4: { 'ndcg@10': 0.5 } };

const csvLines = (file: string) => readFileSync(file, 'utf8').trim().split('\r\n');

describe.skipIf(!HAVE_CHROMIUM)('run views in headless Chromium against stored runs', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'lsr-e2e-views-'));
  let store: Store;
  let a: RunRecord;
  let b: RunRecord;
  let collapsed: RunRecord;
  let queued: RunRecord;
  let server: LsrWeb;
  let browser: Browser;
  let workbench: WorkbenchPage;

  beforeAll(async () => {
    // The workspace holds runs before `lsr web` starts, as after a few `lsr train`s. This process stays the
    // "training process" of run b: it keeps writing to the same database while the page is open.
    store = Store.open(home);
    a = seedRun(store, {
      name: 'cran-k1',
      model: '/models/bert-tiny',
      k: 1,
      recordedSteps: 100,
      tags: ['k-sweep'],
      evaluations: [{ step: 100, dataset: 'cranfield', split: 'test', metrics: EVAL_A, perQuery: PER_QUERY_A }],
    });
    b = seedRun(store, {
      name: 'cran-k16',
      model: '/models/bert-tiny',
      k: 16,
      recordedSteps: 40,
      status: 'running',
      train: { lambdaQ: 1e-3 },
      tags: ['k-sweep'],
      evaluations: [{ step: 40, dataset: 'cranfield', split: 'test', metrics: EVAL_B, perQuery: PER_QUERY_B }],
    });
    collapsed = seedRun(store, { name: 'cran-k64', model: '/models/bert-tiny', k: 64, recordedSteps: 37, status: 'collapsed', reason: 'document vectors all zero for 20 steps' });
    queued = seedRun(store, { name: 'cran-k4', model: '/models/bert-tiny', k: 4, status: 'queued' });
    seedBaseline(store, 'cranfield', 'test', { 'ndcg@10': 0.29, 'mrr@10': 0.5, 'recall@100': 0.68, map: 0.23, queries: 4 });

    const rendererDir = await ensureRendererBuilt();
    [server, browser] = await Promise.all([startLsrWeb(home, rendererDir), launchChromium()]);
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    workbench = new WorkbenchPage(await context.newPage());
  });

  afterAll(async () => {
    await browser?.close();
    if (server) await server.stop();
    store?.close();
  });

  it('lists the stored runs with status, hyperparameters and latest metrics; a collapsed run says why and where', async () => {
    await workbench.open(server.url);
    const runs = workbench.runs;
    await expect.poll(() => runs.table().locator('tbody tr').count(), { timeout: 15_000 }).toBe(5);
    const k1 = await runs.row('cran-k1').innerText();
    expect(k1).toContain('finished');
    expect(k1).toContain('bert-tiny');
    expect(k1).toContain('0.312');
    expect(k1).toContain('cranfield/test@100');
    const collapsed = await runs.row('cran-k64').innerText();
    expect(collapsed).toContain('collapsed');
    expect(collapsed).toContain('at step 37: document vectors all zero for 20 steps');
    expect(await runs.row('bm25-cranfield').innerText()).toContain('BM25');
    const file = await workbench.screenshot('runs-table');
    console.log(`screenshot: ${path.relative(ROOT, file)}`);
  });

  it('compares the two selected runs: config diff, k chart, BM25 row, per-query differences', async () => {
    const runs = workbench.runs;
    await runs.select(a.id);
    await runs.select(b.id);
    await runs.compareSelected();
    expect(new URL(workbench.page.url()).hash).toBe(`#/compare/${a.id},${b.id}`);
    const compare = workbench.compare;

    await expect.poll(() => compare.configDiffRows(), { timeout: 10_000 }).toEqual([
      ['k', '1', '16'],
      ['lambdaQ', '5.00e-4', '0.001'],
    ]);
    expect(await compare.configDiff().innerText()).toMatch(/\d+ key\(s\) with the same value in every run are not shown/);

    const metrics = await compare.metricsTable().innerText();
    expect(metrics).toContain('bm25-cranfield (BM25 baseline)');
    expect(metrics).toContain('0.29');

    // The k chart's data: ndcg@10 of each run at its k, one line for the one backbone.
    const kChart = compare.kChart();
    await expect.poll(async () => (await kChart.canvas().boundingBox())?.width ?? 0, { timeout: 10_000 }).toBeGreaterThan(300);
    const kCsv = csvLines(await (await kChart.export('CSV')).path());
    expect(kCsv).toEqual(['series,k,ndcg@10', 'bert-tiny,1,0.312', 'bert-tiny,16,0.348']);
    const kPng = readFileSync(await (await kChart.export('PNG')).path());
    expect([...kPng.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    const sparsity = csvLines(await (await compare.sparsityChart().export('CSV')).path());
    expect(sparsity).toEqual(['run,flops,ndcg@10', 'cran-k1,12.4,0.312', 'cran-k16,2.1,0.348']);

    await expect.poll(() => compare.perQuerySummary().innerText(), { timeout: 10_000 }).toContain('B is better on 2, worse on 1, tied on 1 queries');
    const file = await workbench.screenshot('compare', { whole: true });
    console.log(`screenshot: ${path.relative(ROOT, file)}`);
  });

  it('follows a running run live: its curves gain the points written while the page is open', async () => {
    await workbench.goTo('Runs');
    await workbench.runs.openLive('cran-k16');
    const live = workbench.live;
    await expect.poll(() => live.name().textContent(), { timeout: 10_000 }).toBe('cran-k16');
    await expect.poll(() => live.lastStep().textContent()).toBe('last step 40');
    expect(await live.status().innerText()).toContain('Running — step 40 of 100');
    const status = () => live.status().innerText();

    const lossSteps = async () => {
      const lines = csvLines(await (await live.chart('losses').export('CSV')).path());
      return lines.filter((l) => l.startsWith('loss,')).map((l) => Number(l.split(',')[1]));
    };
    expect(await lossSteps()).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

    // The training process writes on, in two flushes, while the page is open.
    recordSteps(store, b.id, 41, 50, 16);
    await expect.poll(() => live.lastStep().textContent(), { timeout: 5000 }).toBe('last step 50');
    recordSteps(store, b.id, 51, 60, 16);
    await expect.poll(() => live.lastStep().textContent(), { timeout: 5000 }).toBe('last step 60');
    await expect.poll(status, { timeout: 5000 }).toContain('Running — step 60 of 100');
    expect(await lossSteps()).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const file = await workbench.screenshot('live-run', { whole: true });
    console.log(`screenshot: ${path.relative(ROOT, file)}`);

    store.runs.transition(b.id, 'collapsed', { reason: 'document vectors all zero for 20 steps', step: 60 });
    await expect.poll(status, { timeout: 5000 }).toContain('Collapsed at step 60 of 100: document vectors all zero for 20 steps');
    await workbench.screenshot('live-run-collapsed');
  });

  it('edits tags and notes, cancels a queued run and deletes a run after confirming; the table follows the store', async () => {
    await workbench.goTo('Runs');
    const runs = workbench.runs;
    // Run b collapsed while the Runs view was not shown: the runs.changed event updated the table.
    await expect.poll(() => runs.row('cran-k16').innerText(), { timeout: 5000 }).toContain('at step 60: document vectors all zero for 20 steps');

    await runs.openDetails('cran-k1');
    const details = runs.details();
    await details.getByLabel('Tags', { exact: true }).fill('k-sweep, reference');
    await details.getByLabel('Notes', { exact: true }).fill('k = 1: the unscaled head');
    await details.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => details.getByRole('status').textContent()).toBe('Saved.');
    expect(store.runs.get(a.id)).toMatchObject({ tags: ['k-sweep', 'reference'], notes: 'k = 1: the unscaled head' });
    expect(await runs.row('cran-k1').innerText()).toContain('k-sweep, reference');

    await runs.openDetails('cran-k4');
    await runs.details().getByRole('button', { name: 'Cancel run' }).click();
    await expect.poll(() => runs.row('cran-k4').innerText()).toContain('cancelled');
    expect(store.runs.get(queued.id)?.status).toBe('cancelled');

    await runs.openDetails('cran-k64');
    await runs.details().getByRole('button', { name: 'Delete…' }).click();
    const dialog = workbench.page.getByRole('dialog', { name: 'Delete run cran-k64?' });
    await workbench.screenshot('runs-delete-confirm');
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    expect(store.runs.get(collapsed.id)).toBeDefined();
    await runs.details().getByRole('button', { name: 'Delete…' }).click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => runs.table().locator('tbody tr').count()).toBe(4);
    expect(store.runs.get(collapsed.id)).toBeUndefined();
    expect(workbench.problems).toEqual([]);
  });
});
