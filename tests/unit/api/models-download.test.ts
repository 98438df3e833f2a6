import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { writeTinyBert, type TinyCheckpoint } from '../../helpers/tiny-checkpoint.ts';
import { FakeHub, type CommitFiles } from '../hub/fake-hub.ts';
import { engineHarness, type EngineHarness } from './engine-harness.ts';
import { failure } from './api-harness.ts';

const COMMIT = 'c'.repeat(40);
let ckpt: TinyCheckpoint;
let hub: FakeHub;
let api: EngineHarness;

beforeAll(async () => {
  await selectBackend('wasm');
  ckpt = writeTinyBert({ seed: 9 });
  const files: CommitFiles = {};
  for (const name of fs.readdirSync(ckpt.dir)) files[name] = fs.readFileSync(path.join(ckpt.dir, name));
  hub = new FakeHub({ 'test-org/tiny-bert': { refs: { main: COMMIT }, commits: { [COMMIT]: files } } });
  await hub.start();
  api = engineHarness();
  // The machine's own Hugging Face settings stay out: this hub, a cache inside the workspace.
  for (const name of ['HF_HUB_OFFLINE', 'HF_TOKEN']) vi.stubEnv(name, '');
  vi.stubEnv('HF_ENDPOINT', hub.endpoint);
  vi.stubEnv('HF_HOME', path.join(api.home, 'hf-home'));
  vi.stubEnv('HF_HUB_CACHE', path.join(api.home, 'hf-cache'));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await api.close();
  await hub.close();
  fs.rmSync(ckpt.dir, { recursive: true, force: true });
});

describe('models.download', () => {
  it('fetches a hub model into the cache with progress, after which the hub id encodes like its folder', async () => {
    const result = await api.call('models.download', { model: 'test-org/tiny-bert', taskId: 'dl' });
    expect(result).toMatchObject({ model: 'test-org/tiny-bert', commit: COMMIT, fromCache: false });
    expect(result.folder).toBe(path.join(api.home, 'hf-cache', 'models--test-org--tiny-bert', 'snapshots', COMMIT));
    expect(fs.readFileSync(path.join(result.folder, 'model.safetensors')).equals(fs.readFileSync(path.join(ckpt.dir, 'model.safetensors')))).toBe(true);
    const progress = api.eventsOf('tasks.progress').filter((p) => p.taskId === 'dl');
    expect(progress.at(-1)).toMatchObject({ method: 'models.download', fraction: 1 });
    expect(progress.at(-1)!.message).toMatch(/ MB of [\d.]+ MB$/);

    const text = 'vaccines train the immune system';
    const viaHub = await api.call('inspect.terms', { model: 'test-org/tiny-bert', text, kind: 'query', top: 20 });
    const viaFolder = await api.call('inspect.terms', { model: ckpt.dir, text, kind: 'query', top: 20 });
    expect(viaHub.folder).toBe(result.folder);
    expect(viaHub.terms).toEqual(viaFolder.terms);
  });

  it('refuses what is not a hub id', async () => {
    expect(await failure(api.call('models.download', { model: ckpt.dir }))).toEqual({
      code: 'bad_request',
      message: 'field "model": is not a hub id (org/name[@revision]); folders and runs need no download',
    });
  });
});
