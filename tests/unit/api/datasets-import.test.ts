import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineHarness, type EngineHarness } from './engine-harness.ts';
import { failure } from './api-harness.ts';

const ADI = path.resolve(import.meta.dirname, '../../../data/adi');

/** Records of a SMART file, counted by their `.I` lines (the format's definition). */
function smartRecords(file: string): number {
  return fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => /^\.I\s/.test(l)).length;
}

/** The BEIR file's records as plain JSON objects, in file order. */
function jsonl(file: string): Record<string, string>[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, string>);
}

let api: EngineHarness;
beforeAll(() => {
  api = engineHarness();
});
afterAll(async () => {
  await api.close();
});

describe('datasets.import and datasets.items', () => {
  it('imports ADI from its SMART files with progress events, lists it and announces it', async () => {
    const info = await api.call('datasets.import', { format: 'smart', path: ADI, name: 'adi', taskId: 'import-adi' });
    expect(info).toMatchObject({ name: 'adi', format: 'smart', docs: smartRecords(path.join(ADI, 'ADI.ALL')), queries: smartRecords(path.join(ADI, 'ADI.QRY')) });
    expect(info.splits.test).toBe(fs.readFileSync(path.join(ADI, 'ADI.REL'), 'utf8').trim().split(/\r?\n/).length);
    expect((await api.call('datasets.list', {})).map((d) => d.name)).toEqual(['adi']);
    const progress = api.eventsOf('tasks.progress').filter((p) => p.taskId === 'import-adi');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.message).toMatch(/^82 documents, 35 queries, \d+ judgements, 0 training examples$/);
    expect(api.eventsOf('datasets.changed')).toEqual([{ names: ['adi'] }]);
  });

  it('picks queries and documents in file order, filtered by a case-insensitive search, with a limit', async () => {
    const folder = path.join(api.home, 'datasets', 'adi');
    const queries = jsonl(path.join(folder, 'queries.jsonl'));
    const first = await api.call('datasets.items', { dataset: 'adi', kind: 'query', limit: 3 });
    expect(first).toEqual({ dataset: 'adi', kind: 'query', items: queries.slice(0, 3).map((q) => ({ id: q._id, text: q.text })), more: true });

    const corpus = jsonl(path.join(folder, 'corpus.jsonl'));
    const passage = (d: Record<string, string>) => (d.title ? `${d.title} ${d.text}` : d.text);
    const matching = corpus.filter((d) => `${d._id} ${passage(d)}`.toLowerCase().includes('retrieval'));
    expect(matching.length).toBeGreaterThan(2);
    const found = await api.call('datasets.items', { dataset: 'adi', kind: 'document', search: 'RETRIEVAL', limit: 1000 });
    expect(found.items).toEqual(matching.map((d) => ({ id: d._id, text: passage(d) })));
    expect(found.more).toBe(false);
    expect(await failure(api.call('datasets.items', { dataset: 'nope', kind: 'query' }))).toMatchObject({ code: 'bad_request', message: expect.stringContaining('field "dataset": no dataset named "nope"') as string });
  });

  it('refuses a relative path or a taken name, and a cancelled import leaves nothing behind', async () => {
    expect(await failure(api.call('datasets.import', { format: 'smart', path: 'data/adi', name: 'x' }))).toEqual({
      code: 'bad_request',
      message: 'field "path": must be an absolute path (of the file or folder to import)',
    });
    expect(await failure(api.call('datasets.import', { format: 'smart', path: ADI, name: 'adi' }))).toMatchObject({ code: 'bad_request', message: expect.stringContaining('already exists') as string });

    const importing = api.call('datasets.import', { format: 'smart', path: ADI, name: 'adi2', taskId: 'to-cancel' });
    expect(await api.call('tasks.cancel', { taskId: 'to-cancel' })).toEqual({ cancelled: true });
    expect(await failure(importing)).toEqual({ code: 'cancelled', message: 'import cancelled' });
    expect((await api.call('datasets.list', {})).map((d) => d.name)).toEqual(['adi']);
    expect(fs.readdirSync(path.join(api.home, 'datasets'))).toEqual(['adi']);
    expect(await api.call('tasks.cancel', { taskId: 'to-cancel' })).toEqual({ cancelled: false });
  });
});
