import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One commit's files: name → bytes. Names ending in `.safetensors` or `.bin` are served as LFS files. */
export type CommitFiles = Record<string, Buffer>;

export interface FakeRepo {
  /** Branch or tag → commit hash. */
  refs: Record<string, string>;
  commits: Record<string, CommitFiles>;
  /** When set, requests must carry `Authorization: Bearer <token>`; otherwise the hub answers 401 RepoNotFound. */
  token?: string;
}

export interface RecordedRequest {
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  range: string | undefined;
  authorization: string | undefined;
}

/** Git's blob id, the hub's ETag for a file stored in git: sha1("blob <size>\0" + content). */
export function gitBlobSha1(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

export function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export function isLfs(file: string): boolean {
  return file.endsWith('.safetensors') || file.endsWith('.bin');
}

/** The blob name the hub's headers give a file: sha256 for LFS files, git sha1 otherwise. */
export function expectedEtag(file: string, content: Buffer): string {
  return isLfs(file) ? sha256(content) : gitBlobSha1(content);
}

/**
 * A local stand-in for huggingface.co: the model-info API, `/{id}/resolve/{rev}/{file}` with the hub's headers
 * (X-Repo-Commit, ETag, X-Linked-Etag, X-Linked-Size), a 302 to a second server (the "CDN", another host:port)
 * for LFS files, and Range requests there. It can cut a CDN body short to simulate a dropped connection.
 */
export class FakeHub {
  readonly requests: RecordedRequest[] = [];
  /** Cut the next `times` CDN bodies of `file` after `afterBytes` bytes of that response. */
  interrupt: { file: string; afterBytes: number; times: number } | undefined;
  /** Answer Range requests with the whole file (200), as a server without Range support would. */
  ignoreRange = false;
  private hub: http.Server | undefined;
  private cdn: http.Server | undefined;
  private readonly blobsBySha = new Map<string, { file: string; content: Buffer }>();

  /**
   * `aliases` are renamed repositories (old id → new id): the hub answers requests under the old id with a
   * relative 307 to the new path, as huggingface.co does for `bert-base-uncased` → `google-bert/bert-base-uncased`.
   */
  constructor(
    readonly repos: Record<string, FakeRepo>,
    private readonly aliases: Record<string, string> = {},
  ) {
    for (const repo of Object.values(repos)) {
      for (const files of Object.values(repo.commits)) {
        for (const [file, content] of Object.entries(files)) {
          if (isLfs(file)) this.blobsBySha.set(sha256(content), { file, content });
        }
      }
    }
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.hub!.address() as AddressInfo).port}`;
  }

  private get cdnBase(): string {
    return `http://127.0.0.1:${(this.cdn!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.hub = await listen((req, res) => this.serveHub(req, res));
    this.cdn = await listen((req, res) => this.serveCdn(req, res));
  }

  async close(): Promise<void> {
    for (const server of [this.hub, this.cdn]) {
      if (!server) continue;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Requests other than the model-info API: what "no file requests" is about. */
  fileRequests(): RecordedRequest[] {
    return this.requests.filter((r) => !r.path.startsWith('/api/'));
  }

  private record(server: 'hub' | 'cdn', req: http.IncomingMessage): void {
    this.requests.push({
      server,
      method: req.method ?? '',
      path: req.url ?? '',
      range: req.headers.range,
      authorization: req.headers.authorization,
    });
  }

  private serveHub(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.record('hub', req);
    const url = new URL(req.url ?? '/', 'http://x');
    for (const [from, to] of Object.entries(this.aliases)) {
      for (const prefix of ['/api/models/', '/']) {
        if (url.pathname.startsWith(`${prefix}${from}/`)) {
          res.writeHead(307, { location: `${prefix}${to}/${url.pathname.slice(prefix.length + from.length + 1)}` });
          res.end();
          return;
        }
      }
    }
    const api = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(url.pathname);
    if (api) {
      const found = this.lookup(req, res, api[1]!, decodeURIComponent(api[2]!));
      if (!found) return;
      const { repoId, commit, files } = found;
      const body = JSON.stringify({ id: repoId, sha: commit, siblings: Object.keys(files).map((f) => ({ rfilename: f })) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const resolve = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!resolve) return error(res, 404, 'NotFound');
    const found = this.lookup(req, res, resolve[1]!, decodeURIComponent(resolve[2]!));
    if (!found) return;
    const file = resolve[3]!.split('/').map(decodeURIComponent).join('/');
    const content = found.files[file];
    if (content === undefined) return error(res, 404, 'EntryNotFound', { 'x-repo-commit': found.commit });
    if (isLfs(file)) {
      const pointer = Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(content)}\nsize ${content.length}\n`);
      res.writeHead(302, {
        location: `${this.cdnBase}/blobs/${sha256(content)}`,
        'x-repo-commit': found.commit,
        'x-linked-etag': `"${sha256(content)}"`,
        'x-linked-size': String(content.length),
        etag: `"${gitBlobSha1(pointer)}"`,
        'content-length': String(pointer.length),
      });
      res.end(req.method === 'HEAD' ? undefined : pointer);
      return;
    }
    sendBytes(req, res, content, { etag: `"${gitBlobSha1(content)}"`, 'x-repo-commit': found.commit }, this.ignoreRange);
  }

  private serveCdn(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.record('cdn', req);
    const sha = /^\/blobs\/([0-9a-f]{64})$/.exec(req.url ?? '')?.[1];
    const blob = sha === undefined ? undefined : this.blobsBySha.get(sha);
    if (!blob) return error(res, 404, 'NotFound');
    const cut = this.interrupt;
    if (cut && cut.file === blob.file && cut.times > 0 && req.method === 'GET') {
      cut.times--;
      sendBytes(req, res, blob.content, {}, this.ignoreRange, cut.afterBytes);
      return;
    }
    sendBytes(req, res, blob.content, {}, this.ignoreRange);
  }

  private lookup(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    repoId: string,
    revision: string,
  ): { repoId: string; commit: string; files: CommitFiles } | undefined {
    const repo = this.repos[repoId];
    if (!repo || (repo.token !== undefined && req.headers.authorization !== `Bearer ${repo.token}`)) {
      error(res, repo ? 401 : 404, 'RepoNotFound');
      return undefined;
    }
    const commit = repo.commits[revision] ? revision : repo.refs[revision];
    const files = commit === undefined ? undefined : repo.commits[commit];
    if (commit === undefined || files === undefined) {
      error(res, 404, 'RevisionNotFound');
      return undefined;
    }
    return { repoId, commit, files };
  }
}

function listen(handler: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function error(res: http.ServerResponse, status: number, code: string, extra: Record<string, string> = {}): void {
  const body = `${code}`;
  res.writeHead(status, { 'x-error-code': code, 'content-length': body.length, ...extra });
  res.end(body);
}

/** 200, or 206 for `Range: bytes=N-`; with `cutAfter`, the body stops after that many bytes and the socket dies. */
function sendBytes(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  content: Buffer,
  headers: Record<string, string>,
  ignoreRange: boolean,
  cutAfter?: number,
): void {
  const range = ignoreRange ? undefined : /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  if (start >= content.length && content.length > 0) {
    res.writeHead(416, { 'content-range': `bytes */${content.length}` });
    res.end();
    return;
  }
  const body = content.subarray(start);
  res.writeHead(range ? 206 : 200, {
    ...headers,
    'content-length': String(body.length),
    'accept-ranges': 'bytes',
    ...(range ? { 'content-range': `bytes ${start}-${content.length - 1}/${content.length}` } : {}),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (cutAfter === undefined) {
    res.end(body);
    return;
  }
  res.write(body.subarray(0, cutAfter), () => {
    setTimeout(() => res.socket?.destroy(), 30);
  });
}
