import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Download, Locator, Page } from 'playwright-core';
import { ROOT } from '../support/renderer-build.ts';
import { ComparePanel, LivePanel, RunsPanel } from './run-views.ts';

export const ARTIFACTS = path.join(ROOT, 'test-artifacts/e2e');

/** The shell: left navigation, connection badge, and the view in the main area. */
export class WorkbenchPage {
  /** Console errors and uncaught exceptions (a CSP violation shows up here). */
  readonly problems: string[] = [];

  constructor(readonly page: Page) {
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.problems.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => this.problems.push(`page error: ${err.message}`));
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
  }

  navLink(label: string): Locator {
    return this.page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: label, exact: true });
  }

  async goTo(label: string): Promise<void> {
    await this.navLink(label).click();
  }

  heading(): Locator {
    return this.page.locator('main h2').first();
  }

  connection(): Locator {
    return this.page.getByTestId('connection');
  }

  /**
   * Saves a screenshot under test-artifacts/e2e. `whole`: the main area scrolls inside a window-high shell,
   * so the window is made as tall as the view for the shot, then restored.
   */
  async screenshot(name: string, options: { whole?: boolean } = {}): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name}.png`);
    const size = this.page.viewportSize();
    if (options.whole && size) {
      const height = await this.page.locator('main').evaluate((el) => el.scrollHeight);
      await this.page.setViewportSize({ width: size.width, height: Math.max(size.height, height) });
      await this.page.waitForTimeout(300);
    }
    try {
      await this.page.screenshot({ path: file });
    } finally {
      if (options.whole && size) await this.page.setViewportSize(size);
    }
    return file;
  }

  get status(): StatusPanel {
    return new StatusPanel(this.page);
  }

  get runs(): RunsPanel {
    return new RunsPanel(this.page);
  }

  get compare(): ComparePanel {
    return new ComparePanel(this.page);
  }

  get live(): LivePanel {
    return new LivePanel(this.page);
  }
}

/** The Status view: what `app.info` says, the round-trip chart and the server log. */
export class StatusPanel {
  constructor(readonly page: Page) {}

  field(name: 'version' | 'home' | 'backend' | 'platform'): Locator {
    return this.page.getByTestId(`info-${name}`);
  }

  chart(): Locator {
    return this.page.getByTestId('latency-chart');
  }

  chartCanvas(): Locator {
    return this.chart().locator('canvas').first();
  }

  async setSmoothing(weight: number): Promise<void> {
    await this.chart().locator('input[type="range"]').fill(String(weight));
  }

  async setLogScale(on: boolean): Promise<void> {
    await this.chart().getByLabel('log scale').setChecked(on);
  }

  /** Clicks the chart's export button and returns the download. */
  async exportChart(kind: 'PNG' | 'CSV'): Promise<Download> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.chart().getByRole('button', { name: kind }).click()]);
    return download;
  }
}
