import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import { Store } from '../../../src/core/store/store.ts';
import { manualClock, tempHome } from '../store/temp-home.ts';

let home: string;
let cleanup: () => void;
beforeEach(() => ({ home, cleanup } = tempHome()));
afterEach(() => cleanup());

async function lsr(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const input = new PassThrough();
  input.end('');
  const status = await runCli([...argv, '--home', home], { stdout, stderr, stdin: input }, new AbortController().signal);
  return { status, out, err };
}

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);

/** A run with two series (one value NaN, one name with a comma) and two evaluations, at known times. */
function seed(): string {
  const clock = manualClock(T0);
  const store = Store.open(home, { clock: clock.now });
  const run = store.runs.create({ name: 'k4, lr 2e-5', config: { k: 4 } }).id;
  store.metrics.insertBatch(run, [
    { step: 1, name: 'loss', value: 2.5, wallTime: T0 + 1000 },
    { step: 1, name: 'nnz/query, mean', value: 40, wallTime: T0 + 1000 },
    { step: 2, name: 'loss', value: Number.NaN, wallTime: T0 + 2500 },
  ]);
  clock.advance(3000);
  store.evaluations.add({ runId: run, step: 2, dataset: 'cranfield', split: 'test', metrics: { 'ndcg@10': 0.25, map: 0.125 } });
  store.close();
  return run;
}

describe('lsr runs export-metrics', () => {
  it('csv: a row per point and per evaluation metric, checked against the hand-written table', async () => {
    const run = seed();
    const r = await lsr('runs', 'export-metrics', run, '--format', 'csv');
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toBe(
      [
        'kind,step,name,value,wall_time,dataset,split',
        'metric,1,loss,2.5,2025-01-02T03:04:06.000Z,,',
        'metric,1,"nnz/query, mean",40,2025-01-02T03:04:06.000Z,,',
        'metric,2,loss,NaN,2025-01-02T03:04:07.500Z,,',
        'evaluation,2,ndcg@10,0.25,2025-01-02T03:04:08.000Z,cranfield,test',
        'evaluation,2,map,0.125,2025-01-02T03:04:08.000Z,cranfield,test',
        '',
      ].join('\n'),
    );
  });

  it('json to --out FILE: the same content, NaN as null', async () => {
    const run = seed();
    const file = path.join(home, 'exports', 'metrics.json');
    const r = await lsr('runs', 'export-metrics', 'k4, lr 2e-5', '--format', 'json', '--out', file);
    expect(r.status).toBe(0);
    expect(r.out).toBe('');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      run: { id: run, name: 'k4, lr 2e-5', status: 'queued' },
      metrics: [
        { step: 1, name: 'loss', value: 2.5, wall_time: '2025-01-02T03:04:06.000Z' },
        { step: 1, name: 'nnz/query, mean', value: 40, wall_time: '2025-01-02T03:04:06.000Z' },
        { step: 2, name: 'loss', value: null, wall_time: '2025-01-02T03:04:07.500Z' },
      ],
      evaluations: [{ step: 2, dataset: 'cranfield', split: 'test', metrics: { 'ndcg@10': 0.25, map: 0.125 }, created_at: '2025-01-02T03:04:08.000Z' }],
    });
  });

  it('exit 2 for an unknown run or format', async () => {
    seed();
    const unknown = await lsr('runs', 'export-metrics', 'nope', '--format', 'csv');
    expect(unknown.status).toBe(2);
    expect(unknown.err).toMatch(/field "RUN": unknown run "nope"/);
    const bad = await lsr('runs', 'export-metrics', 'nope', '--format', 'xlsx');
    expect(bad.status).toBe(2);
    expect(bad.err).toMatch(/--format.*csv or json/);
  });
});
