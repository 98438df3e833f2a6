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

function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.round(n / 1024)} kB`;
}

async function hubFolder(repo: string, revision: string | undefined, opts: ResolveOptions): Promise<string> {
  const { downloadModel } = await import('../hub/download.ts');
  const result = await downloadModel(revision ? `${repo}@${revision}` : repo, {
    signal: opts.signal,
    onProgress: (p) => opts.onProgress?.(`downloading ${repo}: ${p.file} ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}`),
  });
  return result.folder;
}

/** A stored run's checkpoint folder. */
export interface RunCheckpoint {
  runId: string;
  runName: string;
  step: number;
  folder: string;
}

/**
 * The checkpoint of the stored run `runRef` (its id, a unique id prefix or its name) at `step`, else its
 * latest; undefined when no run matches. A reference matching several runs, or a run without that
 * checkpoint, is an InputError.
 */
export async function findRunCheckpoint(runRef: string, step: number | undefined, home: string, field: string): Promise<RunCheckpoint | undefined> {
  const { openWorkspaceStore } = await import('../store/store.ts');
  const store = openWorkspaceStore(home);
  try {
    const run = store.runs.find(runRef);
    if (!run) return undefined;
    const ckpt = step === undefined ? store.checkpoints.latest(run.id) : store.checkpoints.get(run.id, step);
    if (!ckpt) {
      const have = store.checkpoints.list(run.id).map((c) => c.step);
      throw new InputError(
        step === undefined
          ? `run ${run.id} has no checkpoint yet`
          : `run ${run.id} has no checkpoint at step ${step} (it has: ${have.length ? have.join(', ') : 'none'})`,
        { field },
      );
    }
    return { runId: run.id, runName: run.name, step: ckpt.step, folder: ckpt.path };
  } finally {
    store.close();
  }
}

/** What a MODEL resolves to: a local Hugging Face folder, and the run checkpoint when it named one. */
export interface ResolvedModel {
  folder: string;
  run?: RunCheckpoint;
}

/** The one place that dispatches on the kind of MODEL. */
export async function resolveModel(spec: string, opts: ResolveOptions, field = '--model'): Promise<ResolvedModel> {
  const parsed = parseModelSpec(spec, field);
  switch (parsed.kind) {
    case 'folder':
      return { folder: parsed.path };
    case 'hub':
      return { folder: await hubFolder(parsed.repo, parsed.revision, opts) };
    case 'run': {
      const run = await findRunCheckpoint(parsed.runId, parsed.step, opts.home, field);
      if (!run) throw new InputError(`${spec}: unknown run "${parsed.runId}" (see lsr runs list)`, { field });
      return { folder: run.folder, run };
    }
  }
}

/** A MODEL as a local Hugging Face folder (see resolveModel). */
export async function resolveModelFolder(spec: string, opts: ResolveOptions, field = '--model'): Promise<string> {
  return (await resolveModel(spec, opts, field)).folder;
}
