import { createHash, type Hash } from 'node:crypto';

/**
 * The hub names a blob by its ETag: the sha256 of the content for LFS files (64 hex digits), the git blob
 * sha1 (`sha1("blob <size>\0" + content)`, 40 hex digits) for files stored in git. Hashing the bytes as they
 * are written lets a download, resumed or not, be checked against the name it will be stored under.
 * Other ETag shapes (a mirror's own scheme) cannot be checked and are accepted as they are.
 */
export class ContentHasher {
  private hash: Hash | undefined;
  readonly kind: 'sha256' | 'git-sha1' | 'none';

  constructor(
    readonly etag: string,
    private readonly size: number,
  ) {
    this.kind = /^[0-9a-f]{64}$/.test(etag) ? 'sha256' : /^[0-9a-f]{40}$/.test(etag) ? 'git-sha1' : 'none';
    this.reset();
  }

  /** Forget the bytes seen so far (the download starts over). */
  reset(): void {
    if (this.kind === 'sha256') this.hash = createHash('sha256');
    else if (this.kind === 'git-sha1') this.hash = createHash('sha1').update(`blob ${this.size}\0`);
    else this.hash = undefined;
  }

  update(chunk: Uint8Array): void {
    this.hash?.update(chunk);
  }

  /** True when the bytes seen match the ETag (or the ETag is not a content hash). */
  matches(): boolean {
    return this.hash === undefined || this.hash.digest('hex') === this.etag;
  }
}
