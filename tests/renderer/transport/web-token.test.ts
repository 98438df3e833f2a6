import { describe, expect, it } from 'vitest';
import { takeAccessToken } from '../../../src/renderer/src/transport/web-token.ts';

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
}

describe('takeAccessToken', () => {
  it('takes the token from the fragment, keeps it for reloads and wipes it from the address bar', () => {
    const storage = memoryStorage();
    const replaced: (string | undefined)[] = [];
    const history = { replaceState: (_d: unknown, _u: string, url?: string) => void replaced.push(url) };
    const token = takeAccessToken({ hash: '#token=abc-_123', pathname: '/', search: '' }, history, storage);
    expect(token).toBe('abc-_123');
    expect(replaced).toEqual(['/']);
    // A reload: no fragment any more, the tab's storage still has it.
    expect(takeAccessToken({ hash: '', pathname: '/', search: '' }, history, storage)).toBe('abc-_123');
    expect(replaced).toEqual(['/']);
  });

  it('returns null when there is none', () => {
    const history = { replaceState: () => undefined };
    expect(takeAccessToken({ hash: '#/runs', pathname: '/', search: '' }, history, memoryStorage())).toBeNull();
  });
});
