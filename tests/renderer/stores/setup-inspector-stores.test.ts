import { describe, expect, it } from 'vitest';
import type { HeadCheckResult, InspectTermsResult, Params, RunStartParams } from '../../../src/shared/contract.ts';
import { ApiError } from '../../../src/shared/api-error.ts';
import { useRunSetupStore } from '../../../src/renderer/src/stores/run-setup-store.ts';
import { MAX_PANELS, useInspectorStore } from '../../../src/renderer/src/stores/inspector-store.ts';
import { useDatasetsStore } from '../../../src/renderer/src/stores/datasets-store.ts';
import { useTasksStore } from '../../../src/renderer/src/stores/tasks-store.ts';
import { createFakeTransport, installFake } from '../support/fake-transport.ts';

function headCheck(suggested: number | null): HeadCheckResult {
  const stats = { decoder_weight_frobenius_norm: 1, decoder_weight_mean_row_l2_norm: 1, decoder_bias_l2_norm: 1, logits_l2_mean: 1, splade_nnz_mean: 1, splade_weight_mean: 1, splade_weight_max: 1, splade_l1_mean: 1, logits_max_mean: 1, splade_cosine_mean: 0.5 };
  return {
    model: '/m',
    folder: '/m',
    architecture: 'BertForMaskedLM',
    vocabSize: 10,
    tied: true,
    texts: 2,
    tokens: 9,
    maxLength: 64,
    rows: [1, 4].map((k) => ({ k, stats, nnzFraction: 0.1, saturated: false, weightOk: true, distinguishable: true, meetsRule: true })),
    suggestion: { k: suggested, rule: 'the rule', reason: 'why', warnings: [] },
  };
}

describe('run setup store', () => {
  it('asks the server for the plan of a valid form and starts exactly that request', async () => {
    const planned: RunStartParams[] = [];
    const started: RunStartParams[] = [];
    const fake = createFakeTransport({
      'runs.plan': (p) => {
        planned.push(p);
        return { sweep: true, runs: p.ks.map((k) => ({ name: `adi-k${k}`, model: p.models[0]!, k, seed: 42 })) };
      },
      'runs.start': (p) => {
        started.push(p);
        return { runIds: ['r1', 'r2'], sweepId: 's' };
      },
    });
    installFake(fake);
    const setup = useRunSetupStore();
    await setup.refreshPlan();
    expect(planned).toEqual([]);
    expect(setup.plan).toBeNull();
    expect(await setup.start()).toBeNull();

    setup.form.models = ['/m'];
    setup.form.dataset = 'adi';
    setup.form.ks = '1, 4';
    setup.form.values.steps = '3';
    await setup.refreshPlan();
    expect(planned).toEqual([{ models: ['/m'], dataset: 'adi', ks: [1, 4], steps: 3 }]);
    expect(setup.plan?.runs.map((r) => r.name)).toEqual(['adi-k1', 'adi-k4']);
    expect(await setup.start()).toEqual(['r1', 'r2']);
    expect(started).toEqual(planned);
  });

  it("shows the server's refusal of the plan and of the start", async () => {
    const fake = createFakeTransport({
      'runs.plan': () => {
        throw new ApiError('bad_request', 'field "dataset": no dataset named "adi"');
      },
      'runs.start': () => {
        throw new ApiError('bad_request', 'field "models[0]": no such model folder "/m"');
      },
    });
    installFake(fake);
    const setup = useRunSetupStore();
    setup.form.models = ['/m'];
    setup.form.dataset = 'adi';
    await setup.refreshPlan();
    expect(setup.planError).toBe('field "dataset": no dataset named "adi"');
    expect(await setup.start()).toBeNull();
    expect(setup.startError).toBe('field "models[0]": no such model folder "/m"');
  });

  it('runs the head-scale check under a task id, follows its progress, and takes the suggested k', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const asked: Params<'models.headCheck'>[] = [];
    const fake = createFakeTransport({
      'models.headCheck': async (p) => {
        asked.push(p);
        await gate;
        return headCheck(4);
      },
      'tasks.cancel': () => ({ cancelled: true }),
    });
    installFake(fake);
    const setup = useRunSetupStore();
    const tasks = useTasksStore();
    setup.candidates = '1 4';
    setup.checkTexts = 'first text\n\n second text ';
    const running = setup.runHeadCheck('/m');
    const taskId = setup.headCheckTask!;
    expect(asked).toEqual([{ model: '/m', ks: [1, 4], texts: ['first text', 'second text'], taskId }]);
    fake.emit('tasks.progress', { taskId, method: 'models.headCheck', message: '1/2 texts', fraction: 0.5 });
    expect(tasks.progress[taskId]?.fraction).toBe(0.5);
    release();
    await running;
    expect(setup.headCheckTask).toBeNull();
    expect(tasks.progress[taskId]).toBeUndefined();
    setup.useSuggestedK();
    expect(setup.form.ks).toBe('4');
    setup.sweepCandidates();
    expect(setup.form.ks).toBe('1, 4');
    setup.candidates = '1, 0';
    await setup.runHeadCheck('/m');
    expect(setup.headCheckError).toBe('candidate k: 0 must be > 0');
    expect(asked).toHaveLength(1);
  });
});

function terms(model: string, k: number): InspectTermsResult {
  return { model, folder: model, k, kind: 'query', tokens: [], truncated: false, nnz: 1, l1: 1, terms: [{ id: 1, token: 'a', text: 'a', weight: k, expansion: true, source: { position: 0, token: '[CLS]' } }] };
}

describe('inspector store', () => {
  it('encodes the text with every chosen model, one call each, and keeps each panel’s error to itself', async () => {
    const calls: Params<'inspect.terms'>[] = [];
    const fake = createFakeTransport({
      'inspect.terms': (p) => {
        calls.push(p);
        if (p.model === '/broken') throw new ApiError('bad_request', 'no tokenizer');
        return terms(p.model, p.k ?? 1);
      },
    });
    installFake(fake);
    const inspector = useInspectorStore();
    inspector.panels[0]!.model = 'run:abc';
    expect(inspector.addPanel('/m', 16)).toBe(true);
    expect(inspector.addPanel('/broken')).toBe(true);
    expect(inspector.addPanel()).toBe(true);
    expect(inspector.addPanel()).toBe(false);
    expect(inspector.panels).toHaveLength(MAX_PANELS);
    inspector.text = 'boiling point of water';
    inspector.kind = 'document';
    inspector.top = 10;
    await inspector.inspectAll();
    expect(calls.map(({ taskId: _t, ...c }) => c)).toEqual([
      { model: 'run:abc', k: 1, text: 'boiling point of water', kind: 'document', top: 10 },
      { model: '/m', k: 16, text: 'boiling point of water', kind: 'document', top: 10 },
      { model: '/broken', k: 1, text: 'boiling point of water', kind: 'document', top: 10 },
    ]);
    expect(inspector.panels.map((p) => [p.result?.terms[0]?.weight ?? null, p.error])).toEqual([
      [1, null],
      [16, null],
      [null, 'no tokenizer'],
      [null, 'choose a model'],
    ]);
    inspector.removePanel(inspector.panels[3]!.id);
    expect(inspector.panels).toHaveLength(3);
  });

  it('picks a query or document of a dataset as the text', async () => {
    const fake = createFakeTransport({
      'datasets.items': (p) => ({ dataset: p.dataset, kind: p.kind, items: [{ id: 'd7', text: `a ${p.kind} about ${p.search}` }], more: false }),
    });
    installFake(fake);
    const inspector = useInspectorStore();
    inspector.pickDataset = 'adi';
    inspector.pickKind = 'document';
    inspector.pickSearch = 'retrieval';
    await inspector.searchItems();
    inspector.pick(inspector.pickResult!.items[0]!);
    expect([inspector.text, inspector.kind]).toEqual(['a document about retrieval', 'document']);
  });
});

describe('datasets store', () => {
  it('imports under a task id, refreshes the list, and reports a failure', async () => {
    let names = ['cranfield'];
    const fake = createFakeTransport({
      'datasets.list': () => names.map((name) => ({ name, format: 'smart', docs: 1, queries: 1, splits: {}, trainingExamples: 0, importedAt: '' })),
      'datasets.import': (p) => {
        if (p.name === 'bad') throw new ApiError('bad_request', 'field "path": must be an absolute path');
        names = [...names, p.name];
        return { name: p.name, format: p.format, docs: 82, queries: 35, splits: { test: 170 }, trainingExamples: 0, importedAt: '' };
      },
    });
    installFake(fake);
    const datasets = useDatasetsStore();
    const info = await datasets.importDataset({ format: 'smart', path: '/data/adi', name: 'adi' });
    expect(info?.docs).toBe(82);
    expect(datasets.list.map((d) => d.name)).toEqual(['cranfield', 'adi']);
    const call = fake.calls.find((c) => c.method === 'datasets.import')!;
    expect((call.params as { taskId: string }).taskId).toMatch(/^import-/);
    expect(await datasets.importDataset({ format: 'smart', path: 'rel', name: 'bad' })).toBeNull();
    expect(datasets.importError).toBe('field "path": must be an absolute path');
    expect(datasets.importTask).toBeNull();
  });
});
