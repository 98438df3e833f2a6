import type { Locator, Page } from 'playwright-core';
import { ChartPanel } from './run-views.ts';

/** The Run setup view: backbone, dataset (and its import form), k, head-scale check, settings, Start. */
export class SetupPanel {
  constructor(readonly page: Page) {}

  card(name: string): Locator {
    return this.page.getByRole('region', { name, exact: true });
  }

  async importDataset(format: string, source: string, name: string): Promise<void> {
    const card = this.card('Dataset');
    await card.getByText('Import a dataset').click();
    await card.getByLabel('dataset format').selectOption(format);
    await card.getByLabel('dataset path').fill(source);
    await card.getByLabel('dataset name').fill(name);
    await card.getByRole('button', { name: 'Import', exact: true }).click();
  }

  dataset(): Locator {
    return this.card('Dataset').getByLabel('dataset', { exact: true });
  }

  async backboneFolder(folder: string): Promise<void> {
    await this.card('Backbone').getByLabel('backbone: folder').fill(folder);
  }

  /** A SPLADE setting by its train-config key (its input is labelled by the key). */
  setting(key: string): Locator {
    return this.card('SPLADE hyperparameters').getByLabel(key, { exact: true });
  }

  fieldError(key: string): Locator {
    return this.page.getByTestId(`error-${key}`);
  }

  k(): Locator {
    return this.card('Rescale factor k').getByLabel('k', { exact: true });
  }

  async headCheck(candidates: string): Promise<void> {
    const card = this.card('Head-scale check');
    await card.getByLabel('candidate k').fill(candidates);
    await card.getByRole('button', { name: 'Check', exact: true }).click();
  }

  suggestion(): Locator {
    return this.page.getByTestId('k-suggestion');
  }

  headTable(): Locator {
    return this.page.getByTestId('head-check-table');
  }

  headChart(): ChartPanel {
    return new ChartPanel(this.page, this.page.getByTestId('head-check-chart'));
  }

  plan(): Locator {
    return this.page.getByTestId('run-plan');
  }

  start(): Locator {
    return this.summary().getByRole('button', { name: /^Start/ });
  }

  summary(): Locator {
    return this.page.getByRole('complementary', { name: 'Runs to create' });
  }
}

/** The Term inspector: the text (typed or picked), up to four models, and one panel of terms per model. */
export class InspectorPanel {
  constructor(readonly page: Page) {}

  text(): Locator {
    return this.page.getByLabel('text to inspect');
  }

  async pickQuery(dataset: string, search: string): Promise<void> {
    await this.page.getByText('Pick a query or a document from a dataset').click();
    await this.page.getByLabel('pick dataset').selectOption(dataset);
    await this.page.getByLabel('pick kind').selectOption('query');
    await this.page.getByLabel('pick search').fill(search);
    await this.page.getByRole('button', { name: 'Search', exact: true }).click();
    await this.page.getByTestId('dataset-items').getByRole('button').first().click();
  }

  model(n: number): Locator {
    return this.page.getByTestId(`model-${n}`);
  }

  async addModel(): Promise<void> {
    await this.page.getByRole('button', { name: '+ model' }).click();
  }

  async inspect(): Promise<void> {
    await this.page.getByRole('button', { name: 'Inspect', exact: true }).click();
  }

  panels(): Locator {
    return this.page.getByTestId('term-panel');
  }

  chart(n: number): ChartPanel {
    return new ChartPanel(this.page, this.panels().nth(n).getByTestId('term-chart'));
  }
}
