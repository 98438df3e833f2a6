import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiEvents, Method, Transport } from '../../src/shared/contract.ts';
import type { ApiError } from '../../src/shared/api-error.ts';
import { TEST_VERSION, eventfulApi } from './support/test-api.ts';
import { TRANSPORTS, refusal } from './support/transports.ts';
import { Store } from '../../src/core/store/store.ts';
import { seedRun } from '../helpers/seed-runs.ts';

describe.each(TRANSPORTS)('API contract over $name', (harness) => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'lsr-contract-'));
  let transport: Transport;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ transport, close } = await harness.start(home, eventfulApi(home)));
  });
  afterAll(async () => {
    await close();
  });

  it('answers a valid call with the handler result', async () => {
    const info = await transport.call('app.info', {});
    expect(info).toEqual({ version: TEST_VERSION, backend: info.backend, home, platform: `${os.platform()}-${os.arch()}` });
    expect(info.backend === null || typeof info.backend === 'string').toBe(true);
  });

  it('refuses invalid params with bad_request naming the field', async () => {
    const extra = await refusal(transport.call('app.info', { verbose: true } as never));
    expect({ code: extra.code, message: extra.message }).toEqual({ code: 'bad_request', message: 'app.info: params.verbose is not expected' });
    const notObject = await refusal(transport.call('app.info', [1, 2] as never));
    expect({ code: notObject.code, message: notObject.message }).toEqual({ code: 'bad_request', message: 'app.info: params must be an object' });
  });

  it('refuses an unknown method with not_found', async () => {
    for (const method of ['app.shutdown', '__proto__', 'constructor']) {
      const err = await refusal(transport.call(method as Method, {} as never));
      expect({ code: err.code, message: err.message }).toEqual({ code: 'not_found', message: `unknown method "${method}"` });
    }
  });

  it('delivers events', async () => {
    const seen: ApiEvents['app.log'][] = [];
    const off = transport.on('app.log', (payload) => seen.push(payload));
    await transport.call('app.info', {});
    await expect.poll(() => seen.length).toBe(1);
    off();
    expect(seen[0]).toEqual({ level: 'info', message: `app.info asked for ${home}` });
  });

  it('validates the params of runs.series and answers from the store', async () => {
    const bad = await refusal(transport.call('runs.series', { runId: 'x', sinceStep: 'ten' } as never));
    expect({ code: bad.code, message: bad.message }).toEqual({ code: 'bad_request', message: 'runs.series: params.sinceStep must be a finite number' });
    const missing = await refusal(transport.call('runs.series', { names: ['loss'] } as never));
    expect(missing.message).toBe('runs.series: params.runId is required');
    const unknown = await refusal(transport.call('runs.series', { runId: 'nope' }));
    expect({ code: unknown.code, message: unknown.message }).toEqual({ code: 'not_found', message: 'unknown run "nope"' });
    expect(await transport.call('runs.list', {})).toEqual([]);
  });

  it('pushes runs.changed and runs.metrics when another process writes a run', async () => {
    const changed: ApiEvents['runs.changed'][] = [];
    const metrics: ApiEvents['runs.metrics'][] = [];
    const offs = [transport.on('runs.changed', (p) => changed.push(p)), transport.on('runs.metrics', (p) => metrics.push(p))];
    const trainer = Store.open(home);
    try {
      const run = seedRun(trainer, { name: 'over-the-wire', model: 'm', k: 2, recordedSteps: 4, status: 'running' });
      await expect.poll(() => changed.some((c) => c.runIds.includes(run.id)), { timeout: 5000 }).toBe(true);
      await expect.poll(() => metrics.at(-1), { timeout: 5000 }).toEqual({ runId: run.id, step: 4 });
      const series = await transport.call('runs.series', { runId: run.id, names: ['loss'], sinceStep: 2 });
      expect(series.series[0].steps).toEqual([3, 4]);
      trainer.runs.transition(run.id, 'finished', { step: 4 });
    } finally {
      trainer.close();
      for (const off of offs) off();
    }
  });

  it('answers concurrent calls each by its own id', async () => {
    const calls = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? transport.call('app.info', {}) : refusal(transport.call('app.info', { i } as never))));
    const results = await Promise.all(calls);
    results.forEach((r, i) => {
      if (i % 2 === 0) expect(r).toMatchObject({ version: TEST_VERSION });
      else expect((r as ApiError).message).toBe('app.info: params.i is not expected');
    });
  });
});
