import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';

/** What a `MODEL` argument names (see the contract): a folder, a hub repository, or a stored run's checkpoint. */
export type ModelSpec =
  | { kind: 'folder'; path: string }
  | { kind: 'hub'; repo: string; revision: string | undefined }
  | { kind: 'run'; runId: string; step: number | undefined };

const HUB_ID = /^([A-Za-z0-9][A-Za-z0-9._-]*)\/([A-Za-z0-9][A-Za-z0-9._-]*)(?:@([A-Za-z0-9._/-]+))?$/;

/** Classifies a MODEL string; an existing path always counts as a folder. */
export function parseModelSpec(spec: string, field = '--model'): ModelSpec {
  if (spec.trim() === '') throw new InputError('is empty', { field });
  if (spec.startsWith('run:')) {
    const m = /^run:([^@\s]+)(?:@(\d+))?$/.exec(spec);
    if (!m) throw new InputError(`expected run:<run-id>[@<step>], got "${spec}"`, { field });
    return { kind: 'run', runId: m[1]!, step: m[2] === undefined ? undefined : Number(m[2]) };
  }
  if (fs.existsSync(spec)) return { kind: 'folder', path: path.resolve(spec) };
  const hub = HUB_ID.exec(spec);
  if (hub && !spec.startsWith('.') && !path.isAbsolute(spec)) {
    return { kind: 'hub', repo: `${hub[1]}/${hub[2]}`, revision: hub[3] };
  }
  throw new InputError(`no such model folder "${spec}" (nor a hub id org/name[@revision] or run:<id>[@step])`, { field });
}

export interface ResolveOptions {
  /** The workspace (`--home`): the hub cache and stored runs live there. */
  home: string;
  /** Progress lines for long work (downloads). */
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

/** Turns a hub id into a local folder (download into the HF cache layout, or reuse it). */
export type HubResolver = (repo: string, revision: string | undefined, opts: ResolveOptions) => Promise<string>;
/** Turns a stored run (and optional step; latest otherwise) into its checkpoint folder. */
export type RunResolver = (runId: string, step: number | undefined, opts: ResolveOptions) => Promise<string>;

const resolvers: { hub?: HubResolver; run?: RunResolver } = {};

/** Wires the hub downloader and the run store in (done once at start-up by whoever owns them). */
export function registerModelResolvers(r: { hub?: HubResolver; run?: RunResolver }): void {
  if (r.hub) resolvers.hub = r.hub;
  if (r.run) resolvers.run = r.run;
}

/** The one place that dispatches on the kind of MODEL: returns a local Hugging Face folder. */
export async function resolveModelFolder(spec: string, opts: ResolveOptions, field = '--model'): Promise<string> {
  const parsed = parseModelSpec(spec, field);
  switch (parsed.kind) {
    case 'folder':
      return parsed.path;
    case 'hub':
      if (!resolvers.hub) throw new InputError(`hub ids are not available in this build ("${spec}"); pass a local folder`, { field });
      return resolvers.hub(parsed.repo, parsed.revision, opts);
    case 'run':
      if (!resolvers.run) throw new InputError(`run checkpoints are not available in this build ("${spec}"); pass a local folder`, { field });
      return resolvers.run(parsed.runId, parsed.step, opts);
  }
}
