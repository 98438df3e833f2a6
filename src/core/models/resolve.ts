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

async function runFolder(runId: string, step: number | undefined, opts: ResolveOptions, field: string): Promise<string> {
  const { openWorkspaceStore } = await import('../store/store.ts');
  const store = openWorkspaceStore(opts.home);
  try {
    let run;
    try {
      run = store.runs.resolve(runId);
    } catch (err) {
      if (err instanceof InputError) throw new InputError(`run:${runId}${step === undefined ? '' : `@${step}`}: unknown run "${runId}" (see lsr runs list)`, { field });
      throw err;
    }
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
    return ckpt.path;
  } finally {
    store.close();
  }
}

/** The one place that dispatches on the kind of MODEL: returns a local Hugging Face folder. */
export async function resolveModelFolder(spec: string, opts: ResolveOptions, field = '--model'): Promise<string> {
  const parsed = parseModelSpec(spec, field);
  switch (parsed.kind) {
    case 'folder':
      return parsed.path;
    case 'hub':
      return hubFolder(parsed.repo, parsed.revision, opts);
    case 'run':
      return runFolder(parsed.runId, parsed.step, opts, field);
  }
}
