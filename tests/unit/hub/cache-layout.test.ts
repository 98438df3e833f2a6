import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkBlob, RepoCache, repoFolderName } from '../../../src/core/hub/cache-layout.ts';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lsr-layout-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const refuse = (): Promise<void> => Promise.reject(Object.assign(new Error('operation not permitted'), { code: 'EPERM' }));

describe('cache layout', () => {
  it('names repo folders and paths as huggingface_hub does', () => {
    expect(repoFolderName('julien-c/EsperBERTo-small')).toBe('models--julien-c--EsperBERTo-small');
    expect(repoFolderName('bert-base-uncased')).toBe('models--bert-base-uncased');
    const cache = new RepoCache('/c', 'org/m');
    expect(cache.blobPath('abc123')).toBe('/c/models--org--m/blobs/abc123');
    expect(cache.pointerPath('f'.repeat(40), 'sub/a.json')).toBe(`/c/models--org--m/snapshots/${'f'.repeat(40)}/sub/a.json`);
    expect(cache.refPath('refs/pr/1')).toBe('/c/models--org--m/refs/refs/pr/1');
  });

  it('refuses file names and ETags that would leave their folder', () => {
    const cache = new RepoCache('/c', 'org/m');
    expect(() => cache.pointerPath('f'.repeat(40), '../../x')).toThrow(/leaves the snapshot folder/);
    expect(() => cache.blobPath('../x')).toThrow(/cannot name a cache file/);
    expect(() => cache.blobPath('a/b')).toThrow(/cannot name a cache file/);
  });

  it('writes a ref as the bare commit hash and leaves it alone when unchanged', async () => {
    const cache = new RepoCache(dir, 'org/m');
    await cache.writeRef('main', 'a'.repeat(40));
    expect(await fs.readFile(path.join(dir, 'models--org--m', 'refs', 'main'), 'utf8')).toBe('a'.repeat(40));
    expect(await cache.readRef('main')).toBe('a'.repeat(40));
    await cache.writeRef('b'.repeat(40), 'b'.repeat(40));
    expect(await fs.readdir(path.join(dir, 'models--org--m', 'refs'))).toEqual(['main']);
  });

  it('links a blob into a snapshot with a relative symlink', async () => {
    const blob = path.join(dir, 'm', 'blobs', 'e1');
    const pointer = path.join(dir, 'm', 'snapshots', 'c1', 'sub', 'f.txt');
    await fs.mkdir(path.dirname(blob), { recursive: true });
    await fs.writeFile(blob, 'data');
    expect(await linkBlob(blob, pointer, { newBlob: false })).toBe('symlink');
    expect(await fs.readlink(pointer)).toBe('../../../blobs/e1');
    expect(await fs.readFile(pointer, 'utf8')).toBe('data');
  });

  it('falls back where symlinks are refused: copies an old blob, moves a new one', async () => {
    const blob = path.join(dir, 'm', 'blobs', 'e1');
    await fs.mkdir(path.dirname(blob), { recursive: true });
    await fs.writeFile(blob, 'data');
    const p1 = path.join(dir, 'm', 'snapshots', 'c1', 'f.txt');
    expect(await linkBlob(blob, p1, { newBlob: false, symlink: refuse })).toBe('copy');
    expect((await fs.lstat(p1)).isFile()).toBe(true);
    expect(await fs.readFile(blob, 'utf8')).toBe('data');

    const p2 = path.join(dir, 'm', 'snapshots', 'c2', 'f.txt');
    expect(await linkBlob(blob, p2, { newBlob: true, symlink: refuse })).toBe('move');
    expect(await fs.readFile(p2, 'utf8')).toBe('data');
    await expect(fs.stat(blob)).rejects.toThrow();
  });
});
