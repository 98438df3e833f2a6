import { describe, expect, it } from 'vitest';
import { createSSRApp } from 'vue';
import { renderToString } from 'vue/server-renderer';
import type { HeadCheckResult, InspectTermsResult } from '../../../src/shared/contract.ts';
import RunSetupView from '../../../src/renderer/src/views/RunSetupView.vue';
import TermInspectorView from '../../../src/renderer/src/views/TermInspectorView.vue';
import { useRunSetupStore } from '../../../src/renderer/src/stores/run-setup-store.ts';
import { useInspectorStore } from '../../../src/renderer/src/stores/inspector-store.ts';
import { useDatasetsStore } from '../../../src/renderer/src/stores/datasets-store.ts';
import { useRunsStore } from '../../../src/renderer/src/stores/runs-store.ts';
import { createFakeTransport, installFake } from '../support/fake-transport.ts';
import { runRow } from '../support/run-rows.ts';

const ENTITIES: Record<string, string> = { '&gt;': '>', '&lt;': '<', '&amp;': '&', '&#39;': "'", '&quot;': '"' };
const text = (html: string) =>
  html
    .replace(/<!--[^>]*-->/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&gt;|&lt;|&amp;|&#39;|&quot;/g, (e) => ENTITIES[e]!)
    .replace(/\s+/g, ' ');

function fake() {
  return createFakeTransport({
    'runs.list': () => [runRow({ id: 'r1', name: 'adi-k16', status: 'finished', step: 5, config: { kind: 'splade', model: '/m', k: 16 } })],
    'datasets.list': () => [{ name: 'adi', format: 'smart', docs: 82, queries: 35, splits: { test: 170 }, trainingExamples: 0, importedAt: '' }],
    'runs.get': () => {
      throw new Error('not needed');
    },
  });
}

const STATS = { decoder_weight_frobenius_norm: 80, decoder_weight_mean_row_l2_norm: 4, decoder_bias_l2_norm: 2, logits_l2_mean: 30, splade_nnz_mean: 120, splade_weight_mean: 1.2, splade_weight_max: 4.2, splade_l1_mean: 150, logits_max_mean: 3, splade_cosine_mean: 0.42 };
const CHECK: HeadCheckResult = {
  model: '/m',
  folder: '/m',
  architecture: 'BertForMaskedLM',
  vocabSize: 30522,
  tied: false,
  texts: 8,
  tokens: 90,
  maxLength: 64,
  rows: [
    { k: 1, stats: STATS, nnzFraction: 0.004, saturated: false, weightOk: false, distinguishable: true, meetsRule: false },
    { k: 4, stats: { ...STATS, splade_weight_max: 2.1 }, nnzFraction: 0.004, saturated: false, weightOk: true, distinguishable: true, meetsRule: true },
  ],
  suggestion: { k: 4, rule: 'the smallest candidate k whose largest initial SPLADE weight is at most 3', reason: 'k=1: largest weight 4.2 > 3; k=4: largest weight 2.1', warnings: ['texts look alike'] },
};

describe('RunSetupView', () => {
  it('shows the head-scale check with its suggested k and rule, field messages and the runs a sweep creates', async () => {
    const f = fake();
    const { app } = installFake(f, createSSRApp(RunSetupView));
    await useDatasetsStore().refresh();
    const setup = useRunSetupStore();
    setup.form.models = ['/m'];
    setup.form.dataset = 'adi';
    setup.form.ks = '1, 4';
    setup.form.values.lr = '-1';
    setup.headCheck = CHECK;
    setup.plan = { sweep: true, runs: [{ name: 'adi-k1', model: '/m', k: 1, seed: 42 }, { name: 'adi-k4', model: '/m', k: 4, seed: 42 }] };
    const html = await renderToString(app);
    const t = text(html);
    expect(t).toContain('Suggested k = 4 — k=1: largest weight 4.2 > 3; k=4: largest weight 2.1.');
    expect(t).toContain('Rule: the smallest candidate k whose largest initial SPLADE weight is at most 3');
    expect(t).toContain('⚠ texts look alike');
    expect(t).toContain('Use k = 4');
    expect(html).toMatch(/data-testid="error-lr"[^>]*>must be &gt; 0<\/span>/);
    // The form has an error, so nothing can start, and the summary says which field.
    expect(t).toContain('1 field(s) to fix: lr');
    expect(html).toMatch(/<button[^>]*class="primary start"[^>]*disabled/);
    expect(t).toContain('adi — 82 documents, 35 queries');
    expect(t).toContain('splits: test (170 judgements)');
    // Defaults shown where nothing was typed.
    expect(html).toContain('placeholder="0.00002"');
    expect(html).toContain('placeholder="auto (120)"');

    setup.form.values.lr = '';
    const ok = text(await renderToString(app));
    expect(ok).toContain('A sweep of 2 runs, trained in order: adi-k1 m, k=1, seed 42 adi-k4 m, k=4, seed 42');
    expect(ok).toContain('Start 2 runs');
  });
});

const RESULT: InspectTermsResult = {
  model: 'run:r1',
  folder: '/ckpt',
  k: 1,
  kind: 'query',
  tokens: [
    { position: 0, id: 101, token: '[CLS]', text: '[CLS]' },
    { position: 1, id: 2300, token: 'water', text: 'water' },
    { position: 2, id: 102, token: '[SEP]', text: '[SEP]' },
  ],
  truncated: true,
  nnz: 57,
  l1: 12.5,
  terms: [
    { id: 2300, token: 'water', text: 'water', weight: 2.25, expansion: false, source: { position: 1, token: 'water' } },
    { id: 7, token: 'Ġliquid', text: ' liquid', weight: 1.5, expansion: true, source: { position: 1, token: 'water' } },
  ],
};

describe('TermInspectorView', () => {
  it('shows each model’s terms with expansions marked, the source token of each, and the run’s trained k', async () => {
    const f = fake();
    const { app } = installFake(f, createSSRApp(TermInspectorView));
    await useRunsStore().refresh();
    const inspector = useInspectorStore();
    inspector.text = 'water';
    inspector.panels[0]!.model = 'run:r1';
    inspector.panels[0]!.result = RESULT;
    inspector.addPanel('/m', 4);
    inspector.panels[1]!.error = 'no tokenizer';
    const t = text(await renderToString(app));
    expect(t).toContain('57 non-zero terms, L1 12.5; 1 of the top 2 are expansions — the text was cut to 3 tokens');
    expect(t).toContain('Terms: adi-k16 (trained k=16)');
    expect(t).toContain('trained with k=16, already in its checkpoint');
    expect(t).toMatch(/1 water 2\.25 input water @1/);
    // A byte-level BPE entry is shown as its decoded word, with the raw entry beside it.
    expect(t).toMatch(/2 liquid \[Ġliquid\] 1\.5 expansion water @1/);
    expect(t).toContain('input term');
    expect(t).toContain('expansion (not in the input)');
    expect(t).toContain('no tokenizer');
    expect(t).toContain('[CLS] water [SEP]');
  });
});
