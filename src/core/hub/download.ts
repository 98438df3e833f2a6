import fs from 'node:fs/promises';
import { CancelledError, InputError } from '../errors.ts';
import { downloadBlob } from './blob-download.ts';
import { exists, linkBlob, RepoCache } from './cache-layout.ts';
import { HubClient, type FileMetadata } from './hub-client.ts';
import { HubCacheMissError, HubRequestError } from './hub-errors.ts';
import { isCommitHash, parseHubId } from './hub-id.ts';
import { resolveHubSettings, type HubSettingsOverrides } from './hub-settings.ts';
import { missingFromSnapshot, planFiles, shardsFromIndex } from './masked-lm-files.ts';

export interface DownloadProgress {
  /** The repo-relative file being fetched. */
  file: string;
  fileBytes: number;
  fileTotal: number;
  /** Over all files this call fetches (bytes resumed from an earlier run count as done). */
  bytesDone: number;
  /** Grows once for a sharded checkpoint, when the shard sizes are known after the small index file. */
  bytesTotal: number;
}

export interface DownloadOptions extends HubSettingsOverrides {
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Further attempts after a connection drops without new bytes (default 5, as huggingface_hub). */
  retries?: number;
  /** Wait before the n-th consecutive retry: n × this (default 1000 ms). */
  retryDelayMs?: number;
}

export interface DownloadResult {
  /** The snapshot folder: a normal Hugging Face model folder. */
  folder: string;
  commit: string;
  repoId: string;
  revision: string;
  /** True when the hub's file list was not consulted (offline mode, hub unreachable, pinned commit already cached). */
  fromCache: boolean;
}

/**
 * Makes the masked-LM files of a hub model (`org/name[@revision]`) available in the standard Hugging Face cache
 * and returns the snapshot folder. Files already in the cache are not fetched again; an interrupted download
 * resumes. With HF_HUB_OFFLINE (or `offline`), or when the hub cannot be reached, the cache answers alone.
 */
export async function downloadModel(spec: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const { repoId, revision } = parseHubId(spec);
  const settings = resolveHubSettings(opts);
  const cache = new RepoCache(settings.cacheDir, repoId);
  if (settings.offline) {
    return fromCache(cache, repoId, revision, 'offline mode is on (HF_HUB_OFFLINE)');
  }
  // A commit never changes, so a complete snapshot of one needs no request at all.
  if (isCommitHash(revision) && (await exists(cache.snapshotDir(revision)))) {
    if ((await missingFromSnapshot(cache.snapshotDir(revision))).length === 0) {
      return { folder: cache.snapshotDir(revision), commit: revision, repoId, revision, fromCache: true };
    }
  }

  const client = new HubClient(settings.endpoint, settings.token, opts.signal);
  let info;
  try {
    info = await client.repoInfo(repoId, revision);
  } catch (err) {
    if (!(err instanceof HubRequestError) || !['unreachable', 'repo-not-found', 'gated', 'bad-token'].includes(err.failure)) {
      throw publicError(err);
    }
    // As huggingface_hub does: when the hub cannot be asked (down, or refusing the repo), a complete cached
    // snapshot of the revision still serves; otherwise the hub's own error is the one to report.
    try {
      return await fromCache(cache, repoId, revision, err.message);
    } catch (cacheErr) {
      if (err.failure === 'unreachable' && cacheErr instanceof HubCacheMissError) throw cacheErr;
      throw publicError(err);
    }
  }

  await cache.writeRef(revision, info.commit);
  const plan = planFiles(info.files, `${repoId}@${revision}`);
  const fetcher = new SnapshotFetcher(client, cache, repoId, info.commit, opts);
  try {
    await fetcher.ensure(plan.files);
    if (plan.index !== undefined) {
      const indexPath = cache.pointerPath(info.commit, plan.index);
      const shards = shardsFromIndex(await fs.readFile(indexPath, 'utf8'), indexPath);
      const listed = new Set(info.files);
      const absent = shards.filter((s) => !listed.has(s));
      if (absent.length > 0) {
        throw new InputError(`${repoId}@${revision}: ${plan.index} names shards the repository lacks: ${absent.join(', ')}`, {
          field: 'model',
        });
      }
      await fetcher.ensure(shards);
    }
  } catch (err) {
    throw publicError(err);
  }
  return { folder: cache.snapshotDir(info.commit), commit: info.commit, repoId, revision, fromCache: false };
}

interface PendingBlob {
  meta: FileMetadata;
  blob: string;
  /** The snapshot files backed by this blob (identical files share one). */
  files: { file: string; pointer: string }[];
}

/** Fills one snapshot folder, fetching only what neither the snapshot nor the blob store holds. */
class SnapshotFetcher {
  private bytesDone = 0;
  private bytesTotal = 0;

  constructor(
    private readonly client: HubClient,
    private readonly cache: RepoCache,
    private readonly repoId: string,
    private readonly commit: string,
    private readonly opts: DownloadOptions,
  ) {}

  async ensure(files: readonly string[]): Promise<void> {
    const pending = new Map<string, PendingBlob>();
    for (const file of files) {
      const pointer = this.cache.pointerPath(this.commit, file);
      if (await exists(pointer)) continue;
      const meta = await this.client.fileMetadata(this.repoId, this.commit, file);
      if (meta.commit !== this.commit) {
        throw new HubRequestError('unexpected', `the hub served ${file} from commit ${meta.commit}, not ${this.commit}`);
      }
      const blob = this.cache.blobPath(meta.etag);
      if (await exists(blob)) {
        await linkBlob(blob, pointer, { newBlob: false });
        continue;
      }
      const entry = pending.get(meta.etag);
      if (entry) entry.files.push({ file, pointer });
      else pending.set(meta.etag, { meta, blob, files: [{ file, pointer }] });
    }
    for (const p of pending.values()) this.bytesTotal += p.meta.size;
    for (const p of pending.values()) await this.fetch(p);
  }

  private async fetch(p: PendingBlob): Promise<void> {
    const file = p.files[0]!.file;
    const startDone = this.bytesDone;
    await downloadBlob({
      client: this.client,
      meta: p.meta,
      blob: p.blob,
      repoId: this.repoId,
      filename: file,
      retries: this.opts.retries ?? 5,
      retryDelayMs: this.opts.retryDelayMs ?? 1000,
      onBytes: (fileBytes) => {
        this.bytesDone = startDone + fileBytes;
        this.opts.onProgress?.({
          file,
          fileBytes,
          fileTotal: p.meta.size,
          bytesDone: this.bytesDone,
          bytesTotal: this.bytesTotal,
        });
      },
    });
    this.bytesDone = startDone + p.meta.size;
    // Where symlinks are refused the last link may move the new blob into place; earlier ones copy it.
    for (const [i, { pointer }] of p.files.entries()) {
      await linkBlob(p.blob, pointer, { newBlob: i === p.files.length - 1 });
    }
  }
}

async function fromCache(cache: RepoCache, repoId: string, revision: string, reason: string): Promise<DownloadResult> {
  const label = `${repoId}@${revision}`;
  const commit = isCommitHash(revision) ? revision : await cache.readRef(revision);
  if (commit === undefined) {
    throw new HubCacheMissError(
      `${reason}, and the Hugging Face cache (${cache.root}) has no record of ${label} ` +
        `(no refs/${revision}); run once with network access to download it`,
    );
  }
  const folder = cache.snapshotDir(commit);
  if (!(await exists(folder))) {
    throw new HubCacheMissError(`${reason}, and the Hugging Face cache has no snapshot ${commit} of ${label} (${folder})`);
  }
  const missing = await missingFromSnapshot(folder);
  if (missing.length > 0) {
    throw new HubCacheMissError(`${reason}, and the cached snapshot of ${label} (${folder}) lacks: ${missing.join(', ')}`);
  }
  return { folder, commit, repoId, revision, fromCache: true };
}

/** Hub answers about the user's choice of model become InputError (exit 2); the rest stay as they are. */
function publicError(err: unknown): unknown {
  if (err instanceof CancelledError || err instanceof InputError) return err;
  if (err instanceof HubRequestError && ['repo-not-found', 'revision-not-found', 'gated', 'bad-token'].includes(err.failure)) {
    return new InputError(err.message, { field: 'model' });
  }
  return err;
}
