import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { HAVE_CHROMIUM, CHROMIUM, launchChromium } from './support/browser.ts';
import { ensureRendererBuilt, ROOT } from './support/renderer-build.ts';
import { startLsrWeb, type LsrWeb } from './support/web-process.ts';
import { WorkbenchPage } from './pages/workbench-page.ts';

if (!HAVE_CHROMIUM) console.warn(`e2e skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

describe.skipIf(!HAVE_CHROMIUM)('web mode in headless Chromium', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'lsr-e2e-'));
  const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  let server: LsrWeb;
  let browser: Browser;
  let context: BrowserContext;
  let workbench: WorkbenchPage;

  beforeAll(async () => {
    const rendererDir = await ensureRendererBuilt();
    [server, browser] = await Promise.all([startLsrWeb(home, rendererDir), launchChromium()]);
    console.log(`lsr web listening on port ${server.port}`);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    workbench = new WorkbenchPage(await context.newPage());
  });

  afterAll(async () => {
    await browser?.close();
    if (server) {
      const stopped = await server.stop();
      // SIGTERM shuts it down cleanly: exit status 0, promptly, saying so.
      expect(stopped).toMatchObject({ code: 0, signal: null });
      expect(stopped.ms).toBeLessThan(5000);
      expect(stopped.stderr).toContain('lsr web: shutting down');
    }
  });

  it('renders the shell and shows what app.info says about this server', async () => {
    await workbench.open(server.url);
    // The Runs table is the landing view.
    await expect.poll(() => workbench.heading().textContent(), { timeout: 10_000 }).toBe('Runs');
    await workbench.goTo('Status');
    const status = workbench.status;
    await expect.poll(() => status.field('version').textContent(), { timeout: 10_000 }).toBe(version);
    expect(await status.field('home').textContent()).toBe(home);
    expect(await status.field('platform').textContent()).toBe(`${os.platform()}-${os.arch()}`);
    expect(await workbench.connection().textContent()).toMatch(/connected\s*web mode/);
    for (const label of ['Run setup', 'Runs', 'Live run', 'Compare', 'Term inspector', 'Status']) {
      expect(await workbench.navLink(label).isVisible()).toBe(true);
    }
    // The token left the address bar (it stays in this tab's sessionStorage).
    expect(workbench.page.url()).not.toContain('token');
  });

  it('draws the round-trip chart with ECharts under the CSP and exports it as PNG and CSV', async () => {
    const status = workbench.status;
    const box = await status.chartCanvas().boundingBox({ timeout: 10_000 });
    expect(box && box.width > 300 && box.height > 100).toBe(true);
    await expect.poll(() => status.chart().getByRole('button', { name: 'CSV' }).isEnabled(), { timeout: 5000 }).toBe(true);

    const png = await status.exportChart('PNG');
    expect(png.suggestedFilename()).toBe('api-round-trip.png');
    const pngBytes = readFileSync(await png.path());
    expect([...pngBytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

    const csv = await status.exportChart('CSV');
    expect(csv.suggestedFilename()).toBe('api-round-trip.csv');
    const lines = readFileSync(await csv.path(), 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('series,seconds,ms');
    const [name, seconds, ms] = lines[1].split(',');
    expect(name).toBe('app.info');
    expect(Number(seconds)).toBe(0);
    expect(Number(ms)).toBeGreaterThan(0);

    await status.setSmoothing(0.6);
    await status.setLogScale(true);
    const smoothed = await status.exportChart('CSV');
    expect(readFileSync(await smoothed.path(), 'utf8').split('\r\n')[0]).toBe('series,seconds,ms,ms (smoothed 0.6)');
    await status.setSmoothing(0);
    await status.setLogScale(false);
  });

  it('navigates between views and keeps the view in the URL', async () => {
    await workbench.goTo('Runs');
    expect(await workbench.heading().textContent()).toBe('Runs');
    expect(new URL(workbench.page.url()).hash).toBe('#/runs');
    await workbench.page.reload();
    await expect.poll(() => workbench.heading().textContent(), { timeout: 10_000 }).toBe('Runs');
    await workbench.screenshot('web-shell-runs');
    await workbench.goTo('Status');
    await expect.poll(() => workbench.status.field('version').textContent(), { timeout: 10_000 }).toBe(version);
    // A few round trips on the chart for the screenshot.
    await workbench.page.waitForTimeout(2500);
    const file = await workbench.screenshot('web-shell-status');
    console.log(`screenshot: ${path.relative(ROOT, file)}`);
    expect(workbench.problems).toEqual([]);
  });

  it('shows what to do when the page is opened without the token', async () => {
    const fresh = await browser.newContext();
    try {
      const page = new WorkbenchPage(await fresh.newPage());
      await page.open(server.url.replace(/#.*$/, ''));
      await expect.poll(() => page.page.getByRole('alert').textContent()).toContain('needs the access token');
    } finally {
      await fresh.close();
    }
  });
});
