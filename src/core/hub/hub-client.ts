import { CancelledError, errorMessage } from '../errors.ts';
import { appVersion } from '../version.ts';
import { HubRequestError } from './hub-errors.ts';

/** A file's identity as the resolve endpoint reports it (huggingface_hub's HfFileMetadata). */
export interface FileMetadata {
  commit: string;
  /** X-Linked-Etag (LFS) or ETag, without quotes or W/: the blob's file name in the cache. */
  etag: string;
  /** X-Linked-Size (LFS) or Content-Length. */
  size: number;
  /** Where to GET the bytes: the CDN URL of an LFS redirect, else the (relative-redirect-followed) resolve URL. */
  location: string;
  /** False when the bytes live on another host (a signed CDN URL): the token is not sent there. */
  sendToken: boolean;
}

export interface RepoInfo {
  commit: string;
  files: string[];
}

const MAX_REDIRECTS = 10;

/** The few hub routes the downloader needs, with huggingface_hub's error semantics. */
export class HubClient {
  constructor(
    readonly endpoint: string,
    private readonly token: string | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {}

  headers(withToken = true): Record<string, string> {
    const h: Record<string, string> = { 'user-agent': `lsr-workbench/${appVersion()}` };
    if (withToken && this.token !== undefined) h.authorization = `Bearer ${this.token}`;
    return h;
  }

  /** GET /api/models/{id}/revision/{rev}: the commit a revision points to and the repo's file names. */
  async repoInfo(repoId: string, revision: string): Promise<RepoInfo> {
    const url = `${this.endpoint}/api/models/${repoId}/revision/${encodeURIComponent(revision)}`;
    const res = await this.fetch(url, { headers: this.headers() });
    if (!res.ok) throw await this.errorFor(res, repoId, revision);
    let body: unknown;
    try {
      body = await res.json();
    } catch (err) {
      throw this.wrapBodyError(err, `the hub's answer for ${repoId}@${revision} is not JSON`);
    }
    return parseRepoInfo(body, `${url}`);
  }

  /**
   * HEAD on `/{id}/resolve/{commit}/{file}` without following the CDN redirect (relative redirects, as for a
   * renamed repo, are followed), so the headers say which blob this is and where to fetch it.
   */
  async fileMetadata(repoId: string, commit: string, filename: string): Promise<FileMetadata> {
    let url = resolveUrl(this.endpoint, repoId, commit, filename);
    const headers = { ...this.headers(), 'accept-encoding': 'identity' };
    for (let hop = 0; ; hop++) {
      const res = await this.fetch(url, { method: 'HEAD', headers, redirect: 'manual' });
      const location = res.headers.get('location');
      const isRedirect = res.status >= 300 && res.status < 400 && location !== null;
      if (isRedirect && isRelativeReference(location) && hop < MAX_REDIRECTS) {
        url = new URL(location, url).toString();
        continue;
      }
      if (!res.ok && !isRedirect) throw await this.errorFor(res, repoId, commit, filename);
      const target = isRedirect ? new URL(location, url).toString() : url;
      return {
        commit: requireHeader(res, 'x-repo-commit', filename, 'does this endpoint serve the Hugging Face hub?'),
        etag: normalizeEtag(res.headers.get('x-linked-etag') ?? requireHeader(res, 'etag', filename)),
        size: parseSize(res.headers.get('x-linked-size') ?? requireHeader(res, 'content-length', filename), filename),
        location: target,
        sendToken: new URL(target).host === new URL(this.endpoint).host,
      };
    }
  }

  /** GET the bytes from `from` on; a Range request when resuming. */
  async getBytes(meta: FileMetadata, from: number): Promise<Response> {
    const headers: Record<string, string> = { ...this.headers(meta.sendToken), 'accept-encoding': 'identity' };
    if (from > 0) headers.range = `bytes=${from}-`;
    return this.fetch(meta.location, { headers });
  }

  /** fetch with cancellation mapped to CancelledError and transport failures to 'unreachable'. */
  async fetch(url: string, init: RequestInit): Promise<Response> {
    this.throwIfCancelled();
    try {
      return await fetch(url, { ...init, signal: this.signal });
    } catch (err) {
      throw this.wrapBodyError(err, `cannot reach ${this.endpoint}`);
    }
  }

  throwIfCancelled(): void {
    if (this.signal?.aborted) throw new CancelledError('download cancelled');
  }

  /** Errors thrown while a request or body is in flight: a cancel, or the network. */
  wrapBodyError(err: unknown, context: string): Error {
    if (this.signal?.aborted) return new CancelledError('download cancelled');
    if (err instanceof HubRequestError || err instanceof CancelledError) return err;
    return new HubRequestError('unreachable', `${context}: ${describeNetworkError(err)}`);
  }

  async errorFor(res: Response, repoId: string, revision: string, filename?: string): Promise<HubRequestError> {
    const code = res.headers.get('x-error-code') ?? '';
    const serverMessage = res.headers.get('x-error-message') ?? (await res.text().catch(() => '')).slice(0, 200);
    const what = filename === undefined ? `${repoId}@${revision}` : `${filename} in ${repoId}@${revision}`;
    const status = res.status;
    if (code === 'RevisionNotFound') {
      return new HubRequestError('revision-not-found', `revision "${revision}" does not exist in ${repoId}`, status);
    }
    if (code === 'GatedRepo' || (status === 403 && /gated/i.test(serverMessage))) {
      return new HubRequestError(
        'gated',
        `${repoId} is gated: accept its terms on the hub, then set HF_TOKEN to a token of that account`,
        status,
      );
    }
    if (status === 401 && /invalid credentials/i.test(serverMessage)) {
      return new HubRequestError('bad-token', `the hub refused the token (HF_TOKEN) for ${repoId}`, status);
    }
    if (code === 'RepoNotFound' || status === 401 || (status === 404 && filename === undefined)) {
      return new HubRequestError(
        'repo-not-found',
        `repository ${repoId} was not found on ${this.endpoint} (a private or gated repository needs HF_TOKEN)`,
        status,
      );
    }
    if (status >= 500 || status === 429) {
      return new HubRequestError('unreachable', `${this.endpoint} answered ${status} for ${what}`, status);
    }
    const detail = serverMessage === '' ? '' : `: ${serverMessage}`;
    return new HubRequestError('unexpected', `the hub answered ${status} for ${what}${detail}`, status);
  }
}

export function resolveUrl(endpoint: string, repoId: string, revision: string, filename: string): string {
  const file = filename.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${repoId}/resolve/${encodeURIComponent(revision)}/${file}`;
}

function parseRepoInfo(body: unknown, url: string): RepoInfo {
  const bad = (why: string): never => {
    throw new HubRequestError('unexpected', `unexpected answer from ${url}: ${why}`);
  };
  if (typeof body !== 'object' || body === null) return bad('not an object');
  const { sha, siblings } = body as { sha?: unknown; siblings?: unknown };
  if (typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha)) return bad('"sha" is not a commit hash');
  if (!Array.isArray(siblings)) return bad('"siblings" is not a list');
  const files = siblings.map((s: unknown) => {
    const name = (s as { rfilename?: unknown } | null)?.rfilename;
    return typeof name === 'string' ? name : bad('a sibling has no "rfilename"');
  });
  return { commit: sha, files };
}

// huggingface_hub follows a redirect only when its Location has no host (RFC 7231 relative reference).
function isRelativeReference(location: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(location) && !location.startsWith('//');
}

function requireHeader(res: Response, name: string, filename: string, hint = ''): string {
  const value = res.headers.get(name);
  if (value === null || value === '') {
    throw new HubRequestError('unexpected', `the hub sent no ${name} header for ${filename}${hint ? ` (${hint})` : ''}`);
  }
  return value;
}

export function normalizeEtag(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"+|"+$/g, '');
}

function parseSize(value: string, filename: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new HubRequestError('unexpected', `the hub sent a bad size "${value}" for ${filename}`);
  }
  return n;
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: unknown } | null)?.cause;
  const code = (cause as { code?: unknown } | null)?.code;
  const base = errorMessage(err);
  if (typeof code === 'string') return `${base} (${code})`;
  if (cause instanceof Error) return `${base} (${cause.message})`;
  return base;
}
