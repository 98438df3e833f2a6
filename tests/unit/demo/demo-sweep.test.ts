import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bm25Settings } from '../../../src/core/bm25/bm25-executor.ts';
import { demoResults, formatDemoResults } from '../../../src/core/demo/demo-results.ts';
import { DEMO_SWEEP, planDemoSweep, startDemoSweep } from '../../../src/core/demo/demo-sweep.ts';
import type { RunProcess, RunProcessOptions } from '../../../src/core/runs/launch.ts';
import type { RunEvent } from '../../../src/core/runs/run-events.ts';
import { Store } from '../../../src/core/store/store.ts';
import { spladeTrainConfig } from '../../../src/core/train/run/splade-run-config.ts';
import { makeDemoDir } from './demo-fixture.ts';

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('planDemoSweep', () => {
  const plan = planDemoSweep(['/m/modernbert-mini', '/m/bert-mini'], DEMO_SWEEP, () => 'S1');

  it('is BM25 first, then k ∈ {1, 4, 16} for each backbone in the given order, all in one sweep', () => {
    expect(plan.sweepId).toBe('S1');
    expect(plan.runs.map((r) => [r.name, r.config.kind, r.config.model, r.config.k])).toEqual([
      ['demo-bm25', 'bm25', 'bm25', 1],
      ['demo-k1-modernbert-mini', 'splade', '/m/modernbert-mini', 1],
      ['demo-k4-modernbert-mini', 'splade', '/m/modernbert-mini', 4],
      ['demo-k16-modernbert-mini', 'splade', '/m/modernbert-mini', 16],
      ['demo-k1-bert-mini', 'splade', '/m/bert-mini', 1],
      ['demo-k4-bert-mini', 'splade', '/m/bert-mini', 4],
      ['demo-k16-bert-mini', 'splade', '/m/bert-mini', 16],
    ]);
    for (const r of plan.runs) expect(r.tags).toEqual(['demo']);
  });

  it('trains on the Cranfield training split and evaluates on Cranfield test and MED', () => {
    for (const run of plan.runs.slice(1)) {
      const cfg = spladeTrainConfig(run.config);
      expect(cfg).toMatchObject({
        dataset: 'cranfield',
        split: 'train',
        evalDataset: 'cranfield',
        evalSplit: 'test',
        evalExtra: ['med'],
        evalEvery: 0,
        steps: DEMO_SWEEP.steps,
        checkpointEvery: DEMO_SWEEP.steps,
        batchSize: DEMO_SWEEP.batchSize,
        lr: DEMO_SWEEP.lr,
        maxQueryLength: DEMO_SWEEP.maxQueryLength,
        maxDocLength: DEMO_SWEEP.maxDocLength,
        negativesPerQuery: DEMO_SWEEP.negativesPerQuery,
        seed: DEMO_SWEEP.seed,
      });
    }
    const bm25 = bm25Settings(plan.runs[0]!.config);
    expect(bm25.datasets).toEqual(['cranfield', 'med']);
    expect(bm25.split).toBe('test');
  });

  it('refuses to plan without backbones', () => {
    expect(() => planDemoSweep([])).toThrow(/build:demo-models/);
  });
});

/** Stands in for a training process: marks the run running, records one evaluation per test set, ends it. */
function fakeStart(home: string, started: string[], cores: (number | undefined)[] = []): (o: RunProcessOptions) => RunProcess {
  return (o) => {
    started.push(o.runId);
    cores.push(o.cores);
    const store = Store.open(home);
    const run = store.runs.require(o.runId);
    store.runs.transition(o.runId, 'running');
    const k = Number(run.config.k);
    for (const [i, dataset] of ['cranfield', 'med'].entries()) {
      const metrics: Record<string, number> = run.config.kind === 'bm25' ? { 'ndcg@10': 0.4 + i / 10 } : { 'ndcg@10': 0.1 * k + i / 100, doc_nnz_mean: 100 / k, query_nnz_mean: 10 / k };
      store.evaluations.add({ runId: o.runId, step: 5, dataset, split: 'test', metrics });
    }
    store.runs.transition(o.runId, 'finished', { step: 5 });
    store.close();
    return { pid: 1, cancel() {}, kill() {}, exited: Promise.resolve({ code: 0, signal: null, end: undefined }) };
  };
}

describe('startDemoSweep', () => {
  it('registers the demo, queues the 7 runs in one sweep and runs them through the queue', async () => {
    const demoDir = makeDemoDir();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-demo-home-'));
    temps.push(demoDir, home);
    const started: string[] = [];
    const cores: (number | undefined)[] = [];
    const events: RunEvent[] = [];
    const sweep = await startDemoSweep(home, { demoDir, start: fakeStart(home, started, cores), onEvent: (e) => events.push(e) });
    expect(sweep.runs).toHaveLength(7);
    const finals = await sweep.finished;
    expect(finals.map((r) => r.status)).toEqual(Array(7).fill('finished'));
    expect(new Set(started)).toEqual(new Set(sweep.runs.map((r) => r.id)));
    // Two runs at a time: each process gets half the cores for its data-parallel workers.
    expect(cores).toEqual(Array(7).fill(Math.max(1, Math.floor(os.availableParallelism() / 2))));
    expect(events.filter((e) => e.event === 'queued')).toHaveLength(7);
    expect(events.filter((e) => e.event === 'end')).toHaveLength(7);

    const store = Store.open(home);
    try {
      expect(store.datasets.list().map((d) => d.name)).toEqual(['cranfield', 'med']);
      const runs = store.runs.list().filter((r) => r.sweepId === sweep.sweepId);
      expect(runs).toHaveLength(7);
      expect(runs.filter((r) => r.config.kind === 'splade').map((r) => String(r.config.model))).toEqual(
        expect.arrayContaining([path.join(demoDir, 'models/modernbert-mini'), path.join(demoDir, 'models/bert-mini')]),
      );
      const rows = demoResults(store, sweep.runs.map((r) => r.id));
      expect(rows).toHaveLength(14);
      expect(rows[0]).toMatchObject({ backbone: 'bm25', k: null, dataset: 'cranfield/test', ndcg10: 0.4, docNnz: null });
      const k16bert = rows.filter((r) => r.backbone === 'bert-mini' && r.k === 16);
      expect(k16bert.map((r) => [r.dataset, r.ndcg10, r.docNnz])).toEqual([
        ['cranfield/test', 1.6, 6.25],
        ['med/test', 1.61, 6.25],
      ]);
      const table = formatDemoResults(rows).split('\n');
      expect(table).toHaveLength(15);
      expect(table[0]).toMatch(/^backbone\s+k\s+dataset\s+nDCG@10\s+doc nnz/);
    } finally {
      store.close();
    }
  });

  it('refuses to start when a backbone is not built', async () => {
    const demoDir = makeDemoDir(['bert-mini']);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-demo-home-'));
    temps.push(demoDir, home);
    await expect(startDemoSweep(home, { demoDir, start: () => { throw new Error('must not start'); } })).rejects.toThrow(/modernbert-mini not built/);
  });
});
