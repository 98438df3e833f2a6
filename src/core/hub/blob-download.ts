import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ContentHasher } from './content-hash.ts';
import type { FileMetadata, HubClient } from './hub-client.ts';
import { HubRequestError } from './hub-errors.ts';

export interface BlobDownloadOptions {
  client: HubClient;
  meta: FileMetadata;
  blob: string;
  repoId: string;
  /** Repo-relative name, for messages. */
  filename: string;
  /** Bytes of this file on disk so far (resumed bytes included), after every chunk. */
  onBytes: (bytes: number) => void;
  /** Further attempts after a connection drops with no new bytes since the last one (huggingface_hub: 5). */
  retries: number;
  retryDelayMs: number;
}

/**
 * Fetches one blob into `<blob>.incomplete`, appending to what an earlier run left there (a Range request),
 * checks its size and content hash against the hub's headers, then renames it to `<blob>`. A dropped
 * connection is retried from where it stopped; if it keeps failing the partial file stays for the next run.
 */
export async function downloadBlob(opts: BlobDownloadOptions): Promise<void> {
  const { client, meta, blob, filename } = opts;
  const incomplete = `${blob}.incomplete`;
  await fs.mkdir(path.dirname(blob), { recursive: true });
  const hasher = new ContentHasher(meta.etag, meta.size);
  let failures = 0;
  for (;;) {
    client.throwIfCancelled();
    let have = await fileSize(incomplete);
    if (have > meta.size) {
      await fs.rm(incomplete, { force: true });
      have = 0;
    }
    hasher.reset();
    if (have > 0) await hashExisting(incomplete, hasher);
    opts.onBytes(have);
    const before = have;
    try {
      if (have < meta.size) have = await fetchRest(opts, incomplete, have, hasher);
      if (have !== meta.size) {
        throw new HubRequestError('unreachable', `the body ended early at ${have} of ${meta.size} bytes`);
      }
    } catch (err) {
      if (!(err instanceof HubRequestError) || err.failure !== 'unreachable') throw err;
      const progressed = (await fileSize(incomplete)) > before;
      failures = progressed ? 1 : failures + 1;
      if (failures > opts.retries) {
        const kept = await fileSize(incomplete);
        throw new HubRequestError(
          'unreachable',
          `download of ${filename} stopped at ${kept} of ${meta.size} bytes (${err.message}); ` +
            `the partial file ${incomplete} is kept and the next run resumes it`,
        );
      }
      await sleep(opts.retryDelayMs * failures);
      continue;
    }
    if (!hasher.matches()) {
      await fs.rm(incomplete, { force: true });
      throw new HubRequestError(
        'unexpected',
        `the bytes received for ${filename} do not match their ${hasher.kind} ${meta.etag}; ` +
          `the download was discarded, run again`,
      );
    }
    await fs.rename(incomplete, blob);
    return;
  }
}

/** One GET from byte `from` on, appended to the incomplete file; returns the bytes now on disk. */
async function fetchRest(
  opts: BlobDownloadOptions,
  incomplete: string,
  from: number,
  hasher: ContentHasher,
): Promise<number> {
  const { client, meta, filename } = opts;
  const res = await client.getBytes(meta, from);
  let have = from;
  if (from > 0 && res.status === 200) {
    // The server ignored the Range header and sends the whole file: keep it, drop the old prefix.
    await fs.truncate(incomplete, 0);
    hasher.reset();
    have = 0;
  } else if (from > 0 && res.status === 206) {
    const start = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1];
    if (start === undefined || Number(start) !== from) {
      await res.body?.cancel();
      await fs.rm(incomplete, { force: true });
      throw new HubRequestError('unreachable', `the server resumed ${filename} at the wrong offset`);
    }
  } else if (res.status === 416) {
    await res.body?.cancel();
    await fs.rm(incomplete, { force: true });
    throw new HubRequestError('unreachable', `the server refused to resume ${filename} at byte ${from}`);
  } else if (!res.ok) {
    throw await client.errorFor(res, opts.repoId, meta.commit, filename);
  }
  if (res.body === null) return have;
  const fh = await fs.open(incomplete, 'a');
  try {
    for await (const chunk of res.body) {
      await fh.write(chunk);
      hasher.update(chunk);
      have += chunk.byteLength;
      opts.onBytes(have);
    }
  } catch (err) {
    throw client.wrapBodyError(err, `connection lost while downloading ${filename}`);
  } finally {
    await fh.close();
  }
  return have;
}

async function hashExisting(file: string, hasher: ContentHasher): Promise<void> {
  for await (const chunk of createReadStream(file)) hasher.update(chunk as Buffer);
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}
