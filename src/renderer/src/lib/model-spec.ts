/** How the user names a model: a local Hugging Face folder, a hub id, or a stored run's checkpoint. */
export type ModelSourceKind = 'folder' | 'hub' | 'run';

export interface ModelChoice {
  kind: ModelSourceKind;
  folder: string;
  hub: string;
  runId: string;
  /** Checkpoint step as text; empty: the latest. */
  step: string;
}

export function emptyChoice(kind: ModelSourceKind = 'folder'): ModelChoice {
  return { kind, folder: '', hub: '', runId: '', step: '' };
}

const HUB_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*(@[A-Za-z0-9._/-]+)?$/;

/** The MODEL string of the contract (`/path`, `org/name[@rev]`, `run:<id>[@step]`), or null while incomplete. */
export function modelSpec(c: ModelChoice): string | null {
  switch (c.kind) {
    case 'folder':
      return c.folder.trim() || null;
    case 'hub':
      return HUB_ID.test(c.hub.trim()) ? c.hub.trim() : null;
    case 'run':
      return c.runId ? `run:${c.runId}${c.step ? `@${c.step}` : ''}` : null;
  }
}

/** What is wrong with an incomplete choice, for the field's message. */
export function choiceProblem(c: ModelChoice): string | null {
  if (modelSpec(c) !== null) return null;
  switch (c.kind) {
    case 'folder':
      return 'give the path of a Hugging Face model folder (config.json, model.safetensors, tokenizer)';
    case 'hub':
      return c.hub.trim() === '' ? 'give a hub id (org/name)' : 'a hub id looks like org/name or org/name@revision';
    case 'run':
      return 'choose a run with a checkpoint';
  }
}

/** The choice a MODEL string stands for. */
export function choiceOf(spec: string): ModelChoice {
  const run = /^run:([^@\s]+)(?:@(\d+))?$/.exec(spec);
  if (run) return { ...emptyChoice('run'), runId: run[1]!, step: run[2] ?? '' };
  if (!spec.startsWith('/') && !spec.startsWith('.') && HUB_ID.test(spec)) return { ...emptyChoice('hub'), hub: spec };
  return { ...emptyChoice('folder'), folder: spec };
}

/** A short label: a folder's last segment, a hub id, a run's name and step. */
export function modelLabel(spec: string, runName?: (runId: string) => string | undefined): string {
  const c = choiceOf(spec);
  if (c.kind === 'run') return `${runName?.(c.runId) ?? c.runId}${c.step ? ` @${c.step}` : ''}`;
  if (c.kind === 'hub') return c.hub;
  return c.folder.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? c.folder;
}
