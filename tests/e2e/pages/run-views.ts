import type { Download, Locator, Page } from 'playwright-core';

async function download(page: Page, button: Locator): Promise<Download> {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return file;
}

/** A chart figure by its test id, with its export buttons. */
export class ChartPanel {
  constructor(
    readonly page: Page,
    readonly root: Locator,
  ) {}

  canvas(): Locator {
    return this.root.locator('canvas').first();
  }

  export(kind: 'PNG' | 'CSV'): Promise<Download> {
    return download(this.page, this.root.getByRole('button', { name: kind, exact: true }));
  }
}

/** The Runs view: the table, its selection, and the selected run's panel. */
export class RunsPanel {
  constructor(readonly page: Page) {}

  table(): Locator {
    return this.page.getByTestId('runs-table');
  }

  row(name: string): Locator {
    return this.table().locator('tbody tr').filter({ has: this.page.getByRole('button', { name, exact: true }) });
  }

  async select(runId: string): Promise<void> {
    await this.table().getByLabel(`select ${runId}`).check();
  }

  async compareSelected(): Promise<void> {
    await this.page.getByTestId('compare-selected').click();
  }

  async openDetails(name: string): Promise<void> {
    await this.table().getByRole('button', { name, exact: true }).click();
  }

  details(): Locator {
    return this.page.getByTestId('run-details');
  }

  async openLive(name: string): Promise<void> {
    await this.table().getByRole('button', { name: `open ${name} in Live run` }).click();
  }
}

export class ComparePanel {
  constructor(readonly page: Page) {}

  configDiff(): Locator {
    return this.page.getByTestId('config-diff');
  }

  /** The config diff's rows as [key, value per run]. */
  async configDiffRows(): Promise<string[][]> {
    return this.configDiff()
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));
  }

  metricsTable(): Locator {
    return this.page.getByTestId('compare-metrics');
  }

  kChart(): ChartPanel {
    return new ChartPanel(this.page, this.page.getByTestId('k-chart'));
  }

  sparsityChart(): ChartPanel {
    return new ChartPanel(this.page, this.page.getByTestId('sparsity-chart'));
  }

  perQuerySummary(): Locator {
    return this.page.getByTestId('per-query-summary');
  }
}

export class LivePanel {
  constructor(readonly page: Page) {}

  name(): Locator {
    return this.page.getByTestId('live-name');
  }

  lastStep(): Locator {
    return this.page.getByTestId('live-step');
  }

  status(): Locator {
    return this.page.getByTestId('run-status');
  }

  chart(groupId: string): ChartPanel {
    return new ChartPanel(this.page, this.page.getByTestId(`chart-${groupId}`));
  }
}
