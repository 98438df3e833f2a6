import { InputError } from '../errors.ts';

/** A model repository on the hub and the revision (branch, tag or commit) asked for. */
export interface HubId {
  /** `org/name`, or a bare legacy `name` such as `bert-base-uncased`. */
  repoId: string;
  revision: string;
}

export const DEFAULT_REVISION = 'main';

// Same rules as huggingface_hub's validate_repo_id: optional namespace, word characters, '-' and '.',
// no leading or trailing '-' or '.', a name of at most 96 characters, no '--' or '..', no '.git' suffix.
const REPO_ID_PATTERN = /^(?:\b[\w.-]+\b\/)?\b[\w.-]{1,96}\b$/;
// Branch and tag names may hold '/', e.g. `refs/pr/1`; nothing that could climb out of the cache's refs folder.
const REVISION_PATTERN = /^[\w.-]+(?:\/[\w.-]+)*$/;

/**
 * Parses `org/name[@revision]` or `name[@revision]`. Throws InputError (on `field`) for anything the hub
 * would refuse, so a typo fails before any request is made.
 */
export function parseHubId(spec: string, field = 'model'): HubId {
  const at = spec.indexOf('@');
  const repoId = at >= 0 ? spec.slice(0, at) : spec;
  const revision = at >= 0 ? spec.slice(at + 1) : DEFAULT_REVISION;
  validateRepoId(repoId, spec, field);
  validateRevision(revision, spec, field);
  return { repoId, revision };
}

function validateRepoId(repoId: string, spec: string, field: string): void {
  const bad = (why: string): never => {
    throw new InputError(`"${spec}" is not a hub id (expected org/name[@revision]): ${why}`, { field });
  };
  if (repoId === '') bad('the repository name is empty');
  if (repoId.split('/').length > 2) bad('at most one "/" may separate the organisation from the name');
  if (!REPO_ID_PATTERN.test(repoId)) {
    bad('use letters, digits, "-", "_" or "."; a part cannot start or end with "-" or "." and the name has at most 96 characters');
  }
  if (repoId.includes('--') || repoId.includes('..')) bad('"--" and ".." are not allowed');
  if (repoId.endsWith('.git')) bad('the name cannot end with ".git"');
}

function validateRevision(revision: string, spec: string, field: string): void {
  const ok =
    REVISION_PATTERN.test(revision) && !revision.split('/').some((part) => part === '.' || part === '..');
  if (!ok) {
    throw new InputError(
      `"${spec}" has a bad revision "${revision}" (expected a branch, tag or commit hash after "@")`,
      { field },
    );
  }
}

const COMMIT_HASH_PATTERN = /^[0-9a-f]{40}$/;

/** A full commit hash, which needs no refs/ lookup (huggingface_hub's REGEX_COMMIT_HASH). */
export function isCommitHash(revision: string): boolean {
  return COMMIT_HASH_PATTERN.test(revision);
}
