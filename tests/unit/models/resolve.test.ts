import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { resolveArchitecture } from '../../../src/core/models/registry.ts';
import { parseModelSpec, resolveModelFolder } from '../../../src/core/models/resolve.ts';
import { Store } from '../../../src/core/store/store.ts';
import { runLsr } from '../../helpers/run-cli.ts';
import { makeTempDir, writeTinyBert } from '../../helpers/tiny-checkpoint.ts';
import { FakeHub, type CommitFiles } from '../hub/fake-hub.ts';

const COMMIT = 'f0'.repeat(20);

function filesOf(dir: string): CommitFiles {
  const out: CommitFiles = {};
  for (const name of fs.readdirSync(dir)) out[name] = fs.readFileSync(path.join(dir, name));
  return out;
}

const tiny = writeTinyBert({ seed: 7, tokenizer: 'bert-base-uncased' });
const hub = new FakeHub({ 'lsr-test/tiny-bert': { refs: { main: COMMIT }, commits: { [COMMIT]: filesOf(tiny.dir) } } });

beforeAll(() => hub.start());
afterAll(() => hub.close());
afterEach(() => vi.unstubAllEnvs());

describe('MODEL specs', () => {
  it('classifies folders, hub ids and runs', () => {
    const dir = makeTempDir();
    expect(parseModelSpec(dir)).toEqual({ kind: 'folder', path: dir });
    expect(parseModelSpec('naver/splade-cocondenser-ensembledistil')).toEqual({ kind: 'hub', repo: 'naver/splade-cocondenser-ensembledistil', revision: undefined });
    expect(parseModelSpec('jhu-clsp/ettin-encoder-17m@v1.0')).toEqual({ kind: 'hub', repo: 'jhu-clsp/ettin-encoder-17m', revision: 'v1.0' });
    expect(parseModelSpec('run:r-42@300')).toEqual({ kind: 'run', runId: 'r-42', step: 300 });
    expect(parseModelSpec('run:r-42')).toEqual({ kind: 'run', runId: 'r-42', step: undefined });
    expect(() => parseModelSpec('./no/such/folder')).toThrow(InputError);
    expect(() => parseModelSpec('run:x@last')).toThrow(/run:<run-id>\[@<step>\]/);
  });

  it('downloads a hub id into the Hugging Face cache and encodes with it, the same as from the folder', async () => {
    const cache = makeTempDir('lsr-hf-cache-');
    vi.stubEnv('HF_HUB_CACHE', cache);
    vi.stubEnv('HF_ENDPOINT', hub.endpoint);
    vi.stubEnv('HF_HUB_OFFLINE', '');
    vi.stubEnv('HF_TOKEN', '');
    const home = makeTempDir('lsr-home-');
    const input = '{"id":"q1","text":"hello world"}\n';
    const viaHub = await runLsr(['encode', '--model', 'lsr-test/tiny-bert', '--home', home, '--input', '-'], input);
    expect(viaHub.err).toMatch(/downloading lsr-test\/tiny-bert/);
    expect(viaHub.status).toBe(0);
    const viaFolder = await runLsr(['encode', '--model', tiny.dir, '--home', home, '--input', '-'], input);
    expect(viaHub.out).toBe(viaFolder.out);
    expect(fs.readFileSync(path.join(cache, 'models--lsr-test--tiny-bert', 'refs', 'main'), 'utf8')).toBe(COMMIT);
    // Offline, the cache answers.
    vi.stubEnv('HF_HUB_OFFLINE', '1');
    await expect(resolveModelFolder('lsr-test/tiny-bert', { home })).resolves.toBe(
      path.join(cache, 'models--lsr-test--tiny-bert', 'snapshots', COMMIT),
    );
  });

  it('resolves run:<id>[@step] to the stored checkpoint folders and names what is missing', async () => {
    const home = makeTempDir('lsr-home-');
    const store = Store.open(home);
    const run = store.runs.create({ name: 'r', config: { model: 'x' } });
    store.checkpoints.add(run.id, 10, '/ckpt/10');
    store.checkpoints.add(run.id, 20, '/ckpt/20');
    store.runs.create({ name: 'twin', config: {} });
    store.runs.create({ name: 'twin', config: {} });
    store.close();
    await expect(resolveModelFolder(`run:${run.id}`, { home })).resolves.toBe('/ckpt/20');
    await expect(resolveModelFolder(`run:${run.id}@10`, { home })).resolves.toBe('/ckpt/10');
    await expect(resolveModelFolder(`run:${run.id}@15`, { home })).rejects.toThrow(/no checkpoint at step 15 \(it has: 10, 20\)/);
    await expect(resolveModelFolder('run:nope', { home })).rejects.toThrow(InputError);
    await expect(resolveModelFolder('run:nope', { home })).rejects.toThrow(/field "--model": run:nope: unknown run "nope"/);
    await expect(resolveModelFolder('run:twin', { home })).rejects.toThrow(/"twin" matches several runs/);
  });
});

describe('architecture registry', () => {
  it('takes the first supported architecture, falls back to model_type, names the field otherwise', () => {
    expect(resolveArchitecture({ architectures: ['BertForPreTraining'] }, 'c.json').name).toBe('BertForPreTraining');
    expect(resolveArchitecture({ model_type: 'distilbert' }, 'c.json').name).toBe('DistilBertForMaskedLM');
    expect(() => resolveArchitecture({ architectures: ['T5ForConditionalGeneration'] }, 'x/config.json')).toThrow(
      /x\/config\.json, field "architectures": unsupported architecture "T5ForConditionalGeneration"/,
    );
    expect(() => resolveArchitecture({ architectures: 'BertForMaskedLM' }, 'config.json')).toThrow(/list of architecture names/);
  });
});
