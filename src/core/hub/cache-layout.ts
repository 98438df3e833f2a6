import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Paths inside huggingface_hub's cache for one model repository:
 * `models--{org}--{name}/{blobs/<etag>, snapshots/<commit>/<file> -> ../../blobs/<etag>, refs/<revision>}`.
 */
export class RepoCache {
  readonly root: string;

  constructor(cacheDir: string, repoId: string) {
    this.root = path.join(cacheDir, repoFolderName(repoId));
  }

  blobPath(etag: string): string {
    if (!/^[\w.-]+$/.test(etag) || etag.includes('..')) {
      throw new Error(`the hub sent an ETag that cannot name a cache file: "${etag}"`);
    }
    return path.join(this.root, 'blobs', etag);
  }

  snapshotDir(commit: string): string {
    return path.join(this.root, 'snapshots', commit);
  }

  /** Where `filename` (repo-relative, '/'-separated) appears in the snapshot; refuses paths that leave it. */
  pointerPath(commit: string, filename: string): string {
    const dir = this.snapshotDir(commit);
    const pointer = path.join(dir, ...filename.split('/'));
    if (!pointer.startsWith(dir + path.sep)) {
      throw new Error(`the hub listed a file path that leaves the snapshot folder: "${filename}"`);
    }
    return pointer;
  }

  refPath(revision: string): string {
    return path.join(this.root, 'refs', ...revision.split('/'));
  }

  /** The commit a branch or tag pointed to when last seen online, or undefined. */
  async readRef(revision: string): Promise<string | undefined> {
    try {
      const text = (await fs.readFile(this.refPath(revision), 'utf8')).trim();
      return text === '' ? undefined : text;
    } catch {
      return undefined;
    }
  }

  /** Records revision → commit; like huggingface_hub, only rewrites the file when it changed (no trailing newline). */
  async writeRef(revision: string, commit: string): Promise<void> {
    if (revision === commit) return;
    if ((await this.readRef(revision)) === commit) return;
    const file = this.refPath(revision);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, commit);
  }
}

export function repoFolderName(repoId: string): string {
  return ['models', ...repoId.split('/')].join('--');
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}

type SymlinkFn = (target: string, linkPath: string) => Promise<void>;

/**
 * Puts a blob into a snapshot as a relative symlink (so the cache survives being moved). Where the file system
 * refuses symlinks it falls back like huggingface_hub: a blob fetched just now is moved into place, an older
 * one (perhaps shared by other snapshots) is copied. Returns how the file was placed.
 */
export async function linkBlob(
  blob: string,
  pointer: string,
  opts: { newBlob: boolean; symlink?: SymlinkFn } = { newBlob: false },
): Promise<'symlink' | 'move' | 'copy'> {
  const symlink: SymlinkFn = opts.symlink ?? ((target, linkPath) => fs.symlink(target, linkPath));
  await fs.mkdir(path.dirname(pointer), { recursive: true });
  await fs.rm(pointer, { force: true });
  try {
    await symlink(path.relative(path.dirname(pointer), blob), pointer);
    return 'symlink';
  } catch (err) {
    if (!isSymlinkRefusal(err)) throw err;
  }
  if (opts.newBlob) {
    await fs.rename(blob, pointer);
    return 'move';
  }
  await fs.copyFile(blob, pointer);
  return 'copy';
}

function isSymlinkRefusal(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPERM' || code === 'EACCES' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EINVAL' || code === 'ENOSYS';
}
