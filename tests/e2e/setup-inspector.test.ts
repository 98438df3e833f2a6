import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { Store } from '../../src/core/store/store.ts';
import { writeTinyBert, type TinyCheckpoint } from '../helpers/tiny-checkpoint.ts';
import { HAVE_CHROMIUM, CHROMIUM, launchChromium } from './support/browser.ts';
import { ensureRendererBuilt, ROOT } from './support/renderer-build.ts';
import { startLsrWeb, type LsrWeb } from './support/web-process.ts';
import { WorkbenchPage } from './pages/workbench-page.ts';
import { InspectorPanel, SetupPanel } from './pages/setup-inspector.ts';

if (!HAVE_CHROMIUM) console.warn(`e2e skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const ADI = path.join(ROOT, 'data/adi');

describe.skipIf(!HAVE_CHROMIUM)('run setup and term inspector in headless Chromium, training for real', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'lsr-e2e-setup-'));
  let ckpt: TinyCheckpoint;
  let server: LsrWeb;
  let browser: Browser;
  let workbench: WorkbenchPage;
  let runId = '';

  beforeAll(async () => {
    ckpt = writeTinyBert({ seed: 21 });
    const rendererDir = await ensureRendererBuilt();
    [server, browser] = await Promise.all([startLsrWeb(home, rendererDir), launchChromium()]);
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    workbench = new WorkbenchPage(await context.newPage());
  });

  afterAll(async () => {
    await browser?.close();
    if (server) await server.stop();
    rmSync(ckpt.dir, { recursive: true, force: true });
  });

  it('imports ADI, checks the head scale, and starts a 4-step run on a tiny BERT that trains to the end', async () => {
    await workbench.open(server.url);
    await workbench.goTo('Run setup');
    const setup = new SetupPanel(workbench.page);

    await setup.importDataset('smart', ADI, 'adi');
    await expect.poll(() => setup.card('Dataset').getByRole('status').textContent(), { timeout: 30_000 }).toBe('Imported adi: 82 documents, 35 queries.');
    expect(await setup.dataset().inputValue()).toBe('adi');
    // ADI has judgements only in `test`: the form trains on it and says so.
    await expect.poll(() => setup.setting('split').inputValue()).toBe('test');
    expect(await setup.card('Dataset').textContent()).toContain('adi has no "train" split: training on "test"');

    await setup.backboneFolder(ckpt.dir);
    await setup.k().fill('2');
    // A bad value is named at its field, and nothing can start.
    await setup.setting('lr').fill('-1');
    expect(await setup.fieldError('lr').textContent()).toBe('must be > 0');
    expect(await setup.start().isDisabled()).toBe(true);
    await setup.setting('lr').fill('');
    for (const [key, value] of [
      ['steps', '4'],
      ['batchSize', '2'],
      ['maxQueryLength', '16'],
      ['maxDocLength', '32'],
    ]) {
      await setup.setting(key!).fill(value!);
    }
    await setup.setting('backend').selectOption('wasm');

    await setup.headCheck('1, 4, 16');
    await expect.poll(() => setup.suggestion().isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await setup.suggestion().textContent()).toContain('Rule: the smallest candidate k whose largest initial SPLADE weight is at most 3');
    expect(await setup.headTable().locator('tbody tr').count()).toBe(3);
    const box = await setup.headChart().canvas().boundingBox();
    expect(box && box.width > 300).toBe(true);

    await expect.poll(() => setup.plan().textContent(), { timeout: 15_000 }).toContain('k=2, seed 42');
    const shot = await workbench.screenshot('run-setup', { whole: true });
    console.log(`screenshot: ${path.relative(ROOT, shot)}`);

    await setup.start().click();
    // One run: the Live run view opens on it.
    await expect.poll(() => workbench.page.url(), { timeout: 15_000 }).toMatch(/#\/live\/[^/]+$/);
    runId = decodeURIComponent(workbench.page.url().split('#/live/')[1]!);
    const store = Store.open(home);
    try {
      await expect.poll(() => store.runs.get(runId)?.status, { timeout: 120_000, interval: 500 }).toBe('finished');
      const run = store.runs.require(runId);
      expect([run.lastStep, run.config.k, run.config.dataset, run.config.model]).toEqual([4, 2, 'adi', ckpt.dir]);
      expect(store.checkpoints.latest(runId)?.step).toBe(4);
    } finally {
      store.close();
    }
  });

  it('inspects a dataset query with the trained run and the raw backbone side by side, expansions marked, exported', async () => {
    await workbench.goTo('Term inspector');
    const inspector = new InspectorPanel(workbench.page);
    await inspector.pickQuery('adi', 'information science');
    expect(await inspector.text().inputValue()).toContain('What is information science?');

    await inspector.model(1).getByLabel('model 1: source').selectOption('run');
    await expect.poll(() => inspector.model(1).getByLabel('model 1: run').locator('option').count(), { timeout: 10_000 }).toBe(2);
    await inspector.model(1).getByLabel('model 1: run').selectOption(runId);
    await inspector.addModel();
    await inspector.model(2).getByLabel('model 2: folder').fill(ckpt.dir);
    await inspector.model(2).getByLabel('model 2: k').fill('2');
    await inspector.inspect();

    await expect.poll(() => inspector.panels().getByTestId('term-chart').count(), { timeout: 60_000 }).toBe(2);
    const stats = await inspector.panels().getByTestId('term-stats').allTextContents();
    for (const s of stats) expect(s).toMatch(/\d+ non-zero terms, L1 [\d.]+; \d+ of the top 30 are expansions/);
    const first = await inspector.panels().first().textContent();
    expect(first).toContain(`trained k=2`);
    expect(first).toMatch(/expansion/);
    expect(await inspector.panels().first().getByTestId('term-table').locator('tbody tr').count()).toBe(30);

    const png = await inspector.chart(0).export('PNG');
    expect([...readFileSync(await png.path()).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const csv = await inspector.chart(1).export('CSV');
    const lines = readFileSync(await csv.path(), 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('rank,term id,term,text,weight,expansion,source position,source token');
    expect(lines).toHaveLength(31);

    const shot = await workbench.screenshot('term-inspector', { whole: true });
    console.log(`screenshot: ${path.relative(ROOT, shot)}`);
    expect(workbench.problems).toEqual([]);
  });
});
