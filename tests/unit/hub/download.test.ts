import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, InputError } from '../../../src/core/errors.ts';
import { downloadModel, type DownloadOptions, type DownloadProgress } from '../../../src/core/hub/download.ts';
import { HubCacheMissError } from '../../../src/core/hub/hub-errors.ts';
import { expectedEtag, FakeHub, type CommitFiles } from './fake-hub.ts';

const C_MAIN = 'a1'.repeat(20);
const C_V1 = 'b2'.repeat(20);
const C_SHARDED = 'c3'.repeat(20);
const C_TORCH = 'd4'.repeat(20);
const C_BARE = 'e5'.repeat(20);
const TOKEN = 'hf_test_token';

/** Deterministic bytes (an LCG), so a wrong offset after resuming shows up as wrong content. */
function bytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v, null, 2));

const MAIN_FILES: CommitFiles = {
  'config.json': json({ architectures: ['BertForMaskedLM'], hidden_size: 8 }),
  'model.safetensors': bytes(300_000, 1),
  'tokenizer.json': json({ version: '1.0', model: { type: 'WordPiece' } }),
  'vocab.txt': Buffer.from('[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n'),
  'tokenizer_config.json': json({ do_lower_case: true }),
  'special_tokens_map.json': json({ unk_token: '[UNK]' }),
  'README.md': Buffer.from('# tiny\n'),
  'pytorch_model.bin': bytes(1000, 2),
};
const WANTED = ['config.json', 'model.safetensors', 'tokenizer.json', 'vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json'];
const V1_FILES: CommitFiles = {
  'config.json': json({ architectures: ['BertForMaskedLM'], hidden_size: 4 }),
  'model.safetensors': bytes(5000, 3),
  'vocab.txt': MAIN_FILES['vocab.txt']!,
};
const SHARDED_FILES: CommitFiles = {
  'config.json': json({ architectures: ['BertForMaskedLM'] }),
  'model.safetensors.index.json': json({
    metadata: { total_size: 3000 },
    weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors', c: 'model-00001-of-00002.safetensors' },
  }),
  'model-00001-of-00002.safetensors': bytes(2000, 4),
  'model-00002-of-00002.safetensors': bytes(1000, 5),
  'tokenizer.json': json({ version: '1.0' }),
};

const hub = new FakeHub({
  'test-org/tiny-bert': { refs: { main: C_MAIN, v1: C_V1 }, commits: { [C_MAIN]: MAIN_FILES, [C_V1]: V1_FILES }, token: TOKEN },
  'test-org/sharded': { refs: { main: C_SHARDED }, commits: { [C_SHARDED]: SHARDED_FILES } },
  'test-org/torch-only': {
    refs: { main: C_TORCH },
    commits: { [C_TORCH]: { 'config.json': json({}), 'pytorch_model.bin': bytes(100, 6), 'vocab.txt': Buffer.from('a\n') } },
  },
  'google-bert/bert-base-uncased': {
    refs: { main: C_BARE },
    commits: { [C_BARE]: { 'config.json': json({}), 'model.safetensors': bytes(100, 7), 'vocab.txt': Buffer.from('a\n') } },
  },
}, { 'bert-base-uncased': 'google-bert/bert-base-uncased' });

let cacheDir: string;
let opts: DownloadOptions;

beforeAll(() => hub.start());
afterAll(() => hub.close());

beforeEach(async () => {
  cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lsr-hub-'));
  // Keep the machine's own Hugging Face settings (a real token, offline mode) out of the tests.
  for (const name of ['HF_HUB_OFFLINE', 'HF_TOKEN', 'HF_ENDPOINT', 'HF_HUB_CACHE']) vi.stubEnv(name, '');
  vi.stubEnv('HF_HOME', path.join(cacheDir, 'hf-home'));
  opts = { cacheDir, endpoint: hub.endpoint, token: TOKEN, retryDelayMs: 5 };
  hub.requests.length = 0;
  hub.interrupt = undefined;
  hub.ignoreRange = false;
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await fs.rm(cacheDir, { recursive: true, force: true });
});

const repoDir = (name: string): string => path.join(cacheDir, name);

describe('downloadModel: first download', () => {
  it('writes the huggingface_hub cache layout exactly: blobs by etag, relative symlinks, refs', async () => {
    const events: DownloadProgress[] = [];
    const result = await downloadModel('test-org/tiny-bert', { ...opts, onProgress: (p) => events.push({ ...p }) });

    const root = repoDir('models--test-org--tiny-bert');
    const snapshot = path.join(root, 'snapshots', C_MAIN);
    expect(result).toEqual({ folder: snapshot, commit: C_MAIN, repoId: 'test-org/tiny-bert', revision: 'main', fromCache: false });
    expect(await fs.readFile(path.join(root, 'refs', 'main'), 'utf8')).toBe(C_MAIN);
    expect((await fs.readdir(snapshot)).sort()).toEqual([...WANTED].sort());

    const etags = WANTED.map((f) => expectedEtag(f, MAIN_FILES[f]!));
    expect((await fs.readdir(path.join(root, 'blobs'))).sort()).toEqual([...etags].sort());
    for (const [i, file] of WANTED.entries()) {
      const pointer = path.join(snapshot, file);
      expect((await fs.lstat(pointer)).isSymbolicLink()).toBe(true);
      expect(await fs.readlink(pointer)).toBe(`../../blobs/${etags[i]}`);
      expect((await fs.readFile(pointer)).equals(MAIN_FILES[file]!)).toBe(true);
    }
    // The LFS weights are named by sha256 (64 hex), the git files by their git blob sha1 (40 hex).
    expect(etags[1]).toMatch(/^[0-9a-f]{64}$/);
    expect(etags[0]).toMatch(/^[0-9a-f]{40}$/);

    // README.md and pytorch_model.bin are never asked for; the token never goes to the CDN host.
    expect(hub.requests.some((r) => r.path.includes('README') || r.path.includes('pytorch_model'))).toBe(false);
    expect(hub.requests.filter((r) => r.server === 'hub').every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const cdn = hub.requests.filter((r) => r.server === 'cdn');
    expect(cdn).toHaveLength(1);
    expect(cdn[0]!.authorization).toBeUndefined();

    const total = WANTED.reduce((s, f) => s + MAIN_FILES[f]!.length, 0);
    const last = events[events.length - 1]!;
    expect(last.bytesDone).toBe(total);
    expect(last.bytesTotal).toBe(total);
    for (let i = 1; i < events.length; i++) expect(events[i]!.bytesDone).toBeGreaterThanOrEqual(events[i - 1]!.bytesDone);
    const weightEvents = events.filter((e) => e.file === 'model.safetensors');
    expect(weightEvents[weightEvents.length - 1]).toMatchObject({ fileBytes: 300_000, fileTotal: 300_000 });
  });

  it('a second call makes no file requests, and a lost snapshot link is rebuilt from the blob without a GET', async () => {
    const first = await downloadModel('test-org/tiny-bert', opts);
    hub.requests.length = 0;
    const second = await downloadModel('test-org/tiny-bert', opts);
    expect(second.folder).toBe(first.folder);
    expect(hub.fileRequests()).toEqual([]);
    expect(hub.requests.map((r) => r.path)).toEqual(['/api/models/test-org/tiny-bert/revision/main']);

    await fs.rm(path.join(first.folder, 'vocab.txt'));
    hub.requests.length = 0;
    await downloadModel('test-org/tiny-bert', opts);
    expect(hub.fileRequests().map((r) => `${r.method} ${r.path}`)).toEqual([`HEAD /test-org/tiny-bert/resolve/${C_MAIN}/vocab.txt`]);
    expect(await fs.readlink(path.join(first.folder, 'vocab.txt'))).toBe(`../../blobs/${expectedEtag('vocab.txt', MAIN_FILES['vocab.txt']!)}`);
  });

  it('downloads a sharded checkpoint: the index, then every shard it names', async () => {
    const events: DownloadProgress[] = [];
    const result = await downloadModel('test-org/sharded', { ...opts, onProgress: (p) => events.push({ ...p }) });
    expect((await fs.readdir(result.folder)).sort()).toEqual(Object.keys(SHARDED_FILES).sort());
    for (const [file, content] of Object.entries(SHARDED_FILES)) {
      expect((await fs.readFile(path.join(result.folder, file))).equals(content)).toBe(true);
    }
    const total = Object.values(SHARDED_FILES).reduce((s, c) => s + c.length, 0);
    expect(events[events.length - 1]).toMatchObject({ bytesDone: total, bytesTotal: total });
  });

  it('follows the relative redirect of a renamed repo and keeps the name asked for in the cache', async () => {
    const result = await downloadModel('bert-base-uncased', opts);
    expect(result.folder).toBe(path.join(repoDir('models--bert-base-uncased'), 'snapshots', C_BARE));
    expect((await fs.readdir(result.folder)).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
    const heads = hub.requests.filter((r) => r.method === 'HEAD').map((r) => r.path);
    expect(heads).toContain(`/bert-base-uncased/resolve/${C_BARE}/config.json`);
    expect(heads).toContain(`/google-bert/bert-base-uncased/resolve/${C_BARE}/config.json`);
  });
});

describe('downloadModel: resuming', () => {
  const blob = (): string =>
    path.join(repoDir('models--test-org--tiny-bert'), 'blobs', expectedEtag('model.safetensors', MAIN_FILES['model.safetensors']!));

  it('retries a dropped connection with a Range request from the byte it stopped at', async () => {
    hub.interrupt = { file: 'model.safetensors', afterBytes: 120_000, times: 1 };
    const result = await downloadModel('test-org/tiny-bert', opts);
    const cdn = hub.requests.filter((r) => r.server === 'cdn');
    expect(cdn.map((r) => r.range)).toEqual([undefined, 'bytes=120000-']);
    expect((await fs.readFile(path.join(result.folder, 'model.safetensors'))).equals(MAIN_FILES['model.safetensors']!)).toBe(true);
  });

  it('keeps the partial file when retries run out, and the next call resumes it', async () => {
    hub.interrupt = { file: 'model.safetensors', afterBytes: 100_000, times: 1 };
    await expect(downloadModel('test-org/tiny-bert', { ...opts, retries: 0 })).rejects.toThrow(
      /model\.safetensors stopped at 100000 of 300000 bytes/,
    );
    const partial = await fs.readFile(`${blob()}.incomplete`);
    expect(partial.equals(MAIN_FILES['model.safetensors']!.subarray(0, 100_000))).toBe(true);

    hub.requests.length = 0;
    const events: DownloadProgress[] = [];
    const result = await downloadModel('test-org/tiny-bert', { ...opts, onProgress: (p) => events.push({ ...p }) });
    expect(hub.requests.filter((r) => r.server === 'cdn').map((r) => r.range)).toEqual(['bytes=100000-']);
    expect((await fs.readFile(path.join(result.folder, 'model.safetensors'))).equals(MAIN_FILES['model.safetensors']!)).toBe(true);
    await expect(fs.stat(`${blob()}.incomplete`)).rejects.toThrow();
    // Resumed bytes count as done from the first event on.
    expect(events.find((e) => e.file === 'model.safetensors')!.fileBytes).toBe(100_000);
  });

  it('starts over when the server ignores Range', async () => {
    await fs.mkdir(path.dirname(blob()), { recursive: true });
    await fs.writeFile(`${blob()}.incomplete`, MAIN_FILES['model.safetensors']!.subarray(0, 5000));
    hub.ignoreRange = true;
    const result = await downloadModel('test-org/tiny-bert', opts);
    expect((await fs.readFile(path.join(result.folder, 'model.safetensors'))).equals(MAIN_FILES['model.safetensors']!)).toBe(true);
  });

  it('discards a partial file whose bytes do not hash to the etag', async () => {
    await fs.mkdir(path.dirname(blob()), { recursive: true });
    await fs.writeFile(`${blob()}.incomplete`, Buffer.alloc(5000, 7));
    await expect(downloadModel('test-org/tiny-bert', opts)).rejects.toThrow(/do not match their sha256/);
    await expect(fs.stat(`${blob()}.incomplete`)).rejects.toThrow();
    await expect(fs.stat(blob())).rejects.toThrow();
  });

  it('stops with CancelledError when the signal aborts, keeping the partial file', async () => {
    hub.interrupt = { file: 'model.safetensors', afterBytes: 50_000, times: 1 };
    const controller = new AbortController();
    const run = downloadModel('test-org/tiny-bert', {
      ...opts,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.file === 'model.safetensors' && p.fileBytes >= 50_000) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect((await fs.stat(`${blob()}.incomplete`)).size).toBe(50_000);
  });
});

describe('downloadModel: revisions', () => {
  it('pins a tag: refs/v1 holds its commit and the snapshot has that commit’s files', async () => {
    const result = await downloadModel('test-org/tiny-bert@v1', opts);
    const root = repoDir('models--test-org--tiny-bert');
    expect(result).toMatchObject({ commit: C_V1, revision: 'v1', folder: path.join(root, 'snapshots', C_V1) });
    expect(await fs.readFile(path.join(root, 'refs', 'v1'), 'utf8')).toBe(C_V1);
    expect((await fs.readdir(result.folder)).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
    expect((await fs.readFile(path.join(result.folder, 'config.json'))).equals(V1_FILES['config.json']!)).toBe(true);
    expect(hub.fileRequests().every((r) => r.server === 'cdn' || r.path.includes(`/resolve/${C_V1}/`))).toBe(true);
  });

  it('pins a commit: no ref is written, and once cached the commit needs no request at all', async () => {
    const result = await downloadModel(`test-org/tiny-bert@${C_V1}`, opts);
    expect(result.folder).toBe(path.join(repoDir('models--test-org--tiny-bert'), 'snapshots', C_V1));
    await expect(fs.readdir(path.join(repoDir('models--test-org--tiny-bert'), 'refs'))).rejects.toThrow();
    hub.requests.length = 0;
    const again = await downloadModel(`test-org/tiny-bert@${C_V1}`, opts);
    expect(again).toMatchObject({ folder: result.folder, fromCache: true });
    expect(hub.requests).toEqual([]);
  });

  it('reports an unknown revision as bad input', async () => {
    const run = downloadModel('test-org/tiny-bert@no-such-branch', opts);
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toThrow(/revision "no-such-branch" does not exist in test-org\/tiny-bert/);
  });
});

describe('downloadModel: refusals', () => {
  it('reports a missing repository clearly, as bad input', async () => {
    const run = downloadModel('test-org/nope', opts);
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toThrow(/repository test-org\/nope was not found/);
  });

  it('treats a private repository without the token as not found', async () => {
    await expect(downloadModel('test-org/tiny-bert', { ...opts, token: undefined })).rejects.toThrow(
      /not found .*needs HF_TOKEN/,
    );
  });

  it('refuses a repository with only pytorch_model.bin before downloading anything', async () => {
    const run = downloadModel('test-org/torch-only', opts);
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toThrow(/only PyTorch weights \(pytorch_model\.bin\).*safetensors only/);
    expect(hub.fileRequests()).toEqual([]);
  });

  it('rejects a malformed hub id before any request', async () => {
    await expect(downloadModel('a/b/c', opts)).rejects.toBeInstanceOf(InputError);
    expect(hub.requests).toEqual([]);
  });
});

describe('downloadModel: offline', () => {
  it('HF_HUB_OFFLINE=1 resolves refs → snapshot from the cache with no request', async () => {
    const online = await downloadModel('test-org/tiny-bert', opts);
    hub.requests.length = 0;
    vi.stubEnv('HF_HUB_OFFLINE', '1');
    const offline = await downloadModel('test-org/tiny-bert', { cacheDir, endpoint: hub.endpoint, token: TOKEN });
    expect(offline).toEqual({ ...online, fromCache: true });
    expect(hub.requests).toEqual([]);
  });

  it('offline with nothing cached says what is missing', async () => {
    const run = downloadModel('test-org/tiny-bert', { ...opts, offline: true });
    await expect(run).rejects.toBeInstanceOf(HubCacheMissError);
    await expect(run).rejects.toThrow(/offline mode is on.*no record of test-org\/tiny-bert@main \(no refs\/main\)/);
  });

  it('offline with an incomplete snapshot names the missing files', async () => {
    const online = await downloadModel('test-org/tiny-bert', opts);
    await fs.rm(path.join(online.folder, 'model.safetensors'));
    await fs.rm(path.join(online.folder, 'tokenizer.json'));
    await fs.rm(path.join(online.folder, 'vocab.txt'));
    await expect(downloadModel('test-org/tiny-bert', { ...opts, offline: true })).rejects.toThrow(
      /lacks: model\.safetensors \(or model\.safetensors\.index\.json and its shards\), tokenizer\.json or vocab\.txt/,
    );
  });

  it('falls back to the cache when the hub cannot be reached, and says so when the cache is empty', async () => {
    const deadEndpoint = await closedPortUrl();
    await expect(downloadModel('test-org/tiny-bert', { ...opts, endpoint: deadEndpoint })).rejects.toThrow(
      /cannot reach http:\/\/127\.0\.0\.1:\d+.*no record of test-org\/tiny-bert@main/,
    );
    const online = await downloadModel('test-org/tiny-bert', opts);
    const fallback = await downloadModel('test-org/tiny-bert', { ...opts, endpoint: deadEndpoint });
    expect(fallback).toEqual({ ...online, fromCache: true });
  });
});

/** An http URL on 127.0.0.1 where nothing listens any more. */
async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
