import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Transport } from '../../src/shared/contract.ts';
import { createApi } from '../../src/core/api/create-api.ts';
import { TEST_VERSION } from './support/test-api.ts';
import { TRANSPORTS, refusal } from './support/transports.ts';

const ADI = path.resolve(import.meta.dirname, '../../data/adi');

/** The refusal's code and message. */
async function refused(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await refusal(promise);
  return { code: err.code, message: err.message };
}

describe.each(TRANSPORTS)('run setup and inspector methods over $name', (harness) => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'lsr-engine-contract-'));
  let transport: Transport;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ transport, close } = await harness.start(home, (emit, audience) => createApi({ home, version: TEST_VERSION, emit, audience })));
  });
  afterAll(async () => {
    await close();
    rmSync(home, { recursive: true, force: true });
  });

  it('checks their params at the entry point', async () => {
    expect(await refused(transport.call('inspect.terms', { model: 'm', text: 'x', kind: 'passage' } as never))).toEqual({
      code: 'bad_request',
      message: 'inspect.terms: params.kind must be one of query, document',
    });
    expect(await refused(transport.call('runs.start', { models: ['m'], ks: [1] } as never))).toEqual({ code: 'bad_request', message: 'runs.start: params.dataset is required' });
    expect(await refused(transport.call('models.headCheck', { model: 'm', ks: [1], texts: 'one text' } as never))).toEqual({
      code: 'bad_request',
      message: 'models.headCheck: params.texts must be an array',
    });
    expect(await refused(transport.call('datasets.import', { format: 'csv', path: '/x', name: 'x' } as never))).toEqual({
      code: 'bad_request',
      message: 'datasets.import: params.format must be one of beir, trec, msmarco, smart',
    });
  });

  it('delivers task progress while a long call runs, then its answer; cancelling an unknown task says so', async () => {
    const seen: string[] = [];
    const off = transport.on('tasks.progress', (p) => {
      if (p.taskId === 'adi-over-the-wire') seen.push(p.message);
    });
    const changed: string[][] = [];
    const offChanged = transport.on('datasets.changed', (p) => changed.push(p.names));
    try {
      const info = await transport.call('datasets.import', { format: 'smart', path: ADI, name: 'adi', taskId: 'adi-over-the-wire' });
      expect([info.name, info.docs, info.queries]).toEqual(['adi', 82, 35]);
      await expect.poll(() => seen.at(-1)).toMatch(/^82 documents, 35 queries/);
      await expect.poll(() => changed).toEqual([['adi']]);
      const items = await transport.call('datasets.items', { dataset: 'adi', kind: 'query', limit: 1 });
      expect(items.items[0]!.id).toBe('1');
      expect(await transport.call('tasks.cancel', { taskId: 'adi-over-the-wire' })).toEqual({ cancelled: false });
    } finally {
      off();
      offChanged();
    }
  });
});
