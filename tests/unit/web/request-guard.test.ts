import { describe, expect, it } from 'vitest';
import { allowedHosts, isLoopbackHost } from '../../../src/web/request-guard.ts';
import { resolveStaticPath } from '../../../src/web/static-files.ts';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

describe('request guard', () => {
  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect([h, isLoopbackHost(h)]).toEqual([h, true]);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.com', '128.0.0.1']) expect([h, isLoopbackHost(h)]).toEqual([h, false]);
  });
  it('accepts only loopback Host headers while bound to loopback', () => {
    expect([...(allowedHosts('127.0.0.1', 8080) ?? [])].sort()).toEqual(['127.0.0.1:8080', '[::1]:8080', 'localhost:8080']);
    expect(allowedHosts('0.0.0.0', 8080)).toBeNull();
  });
});

describe('static file resolution', () => {
  it('maps paths inside the renderer folder and nothing outside it', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'lsr-static-'));
    mkdirSync(path.join(root, 'assets'));
    writeFileSync(path.join(root, 'index.html'), '');
    writeFileSync(path.join(root, 'assets', 'a.js'), '');
    writeFileSync(path.join(root + '-sibling.txt'), '');
    expect(resolveStaticPath(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/a.js')).toBe(path.join(root, 'assets', 'a.js'));
    expect(resolveStaticPath(root, '/assets')).toBeNull();
    expect(resolveStaticPath(root, `/../${path.basename(root)}-sibling.txt`)).toBeNull();
    expect(resolveStaticPath(root, '/..%2f..%2fetc%2fpasswd')).toBeNull();
    expect(resolveStaticPath(root, '/%E0%A4%A')).toBeNull();
  });
});
