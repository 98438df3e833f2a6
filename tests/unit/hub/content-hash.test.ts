import { describe, expect, it } from 'vitest';
import { ContentHasher } from '../../../src/core/hub/content-hash.ts';

// References: `printf 'hello\n' | git hash-object --stdin` and `git hash-object /dev/null` (git's own blob ids),
// and the FIPS 180-2 SHA-256 test vector for "abc".
const GIT_HELLO = 'ce013625030ba8dba906f756967f9e9ca394464a';
const GIT_EMPTY = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391';
const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

function check(etag: string, parts: string[]): boolean {
  const total = parts.reduce((n, p) => n + Buffer.byteLength(p), 0);
  const h = new ContentHasher(etag, total);
  for (const p of parts) h.update(Buffer.from(p));
  return h.matches();
}

describe('ContentHasher', () => {
  it('checks git blob ids (40 hex) the way git computes them, in any chunking', () => {
    expect(new ContentHasher(GIT_HELLO, 6).kind).toBe('git-sha1');
    expect(check(GIT_HELLO, ['hello\n'])).toBe(true);
    expect(check(GIT_HELLO, ['he', 'llo', '\n'])).toBe(true);
    expect(check(GIT_HELLO, ['hello!'])).toBe(false);
    expect(check(GIT_EMPTY, [])).toBe(true);
  });

  it('checks sha256 (64 hex, LFS files), and reset() starts over', () => {
    expect(check(SHA256_ABC, ['a', 'bc'])).toBe(true);
    expect(check(SHA256_ABC, ['abd'])).toBe(false);
    const h = new ContentHasher(SHA256_ABC, 3);
    h.update(Buffer.from('junk'));
    h.reset();
    h.update(Buffer.from('abc'));
    expect(h.matches()).toBe(true);
  });

  it('accepts an ETag that is not a content hash (nothing to check against)', () => {
    const h = new ContentHasher('some-mirror-etag', 3);
    h.update(Buffer.from('xyz'));
    expect(h.kind).toBe('none');
    expect(h.matches()).toBe(true);
  });
});
