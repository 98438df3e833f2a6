import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { isCommitHash, parseHubId } from '../../../src/core/hub/hub-id.ts';

describe('parseHubId', () => {
  it('reads org/name, a bare legacy name, and an @revision', () => {
    expect(parseHubId('naver/splade-v3')).toEqual({ repoId: 'naver/splade-v3', revision: 'main' });
    expect(parseHubId('bert-base-uncased')).toEqual({ repoId: 'bert-base-uncased', revision: 'main' });
    expect(parseHubId('jhu-clsp/ettin-encoder-17m@v1.0')).toEqual({ repoId: 'jhu-clsp/ettin-encoder-17m', revision: 'v1.0' });
    expect(parseHubId('org/m_1.x@refs/pr/3')).toEqual({ repoId: 'org/m_1.x', revision: 'refs/pr/3' });
    const sha = '0123456789abcdef0123456789abcdef01234567';
    expect(parseHubId(`org/m@${sha}`).revision).toBe(sha);
  });

  // The cases huggingface_hub's validate_repo_id documents as invalid, plus what cannot be a revision.
  it.each([
    ['', /repository name is empty/],
    ['@main', /repository name is empty/],
    ['datasets/foo/bar', /at most one "\/"/],
    ['.repo_id', /cannot start or end/],
    ['org/name-', /cannot start or end/],
    ['org/na me', /letters, digits/],
    ['foo--bar', /"--" and ".." are not allowed/],
    ['other..repo..id', /"--" and ".." are not allowed/],
    ['foo.git', /cannot end with ".git"/],
    [`org/${'x'.repeat(97)}`, /at most 96 characters/],
    ['org/name@', /bad revision ""/],
    ['org/name@../../etc', /bad revision/],
    ['org/name@a b', /bad revision/],
    ['org/name@/abs', /bad revision/],
  ])('rejects %j with InputError', (spec, message) => {
    let caught: unknown;
    try {
      parseHubId(spec, '--model');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).location.field).toBe('--model');
    expect((caught as Error).message).toMatch(message);
  });

  it('knows a full commit hash from a branch name', () => {
    expect(isCommitHash('a'.repeat(40))).toBe(true);
    expect(isCommitHash('a'.repeat(39))).toBe(false);
    expect(isCommitHash('A'.repeat(40))).toBe(false);
    expect(isCommitHash('main')).toBe(false);
  });
});
