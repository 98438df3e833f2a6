import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { parseModelSpec, resolveModelFolder, type ModelSpec, type ResolveOptions } from '../models/resolve.ts';
import { openWorkspaceStore } from '../store/store.ts';

export const SOURCE_FIELD = 'RUN|MODEL';

/** What is being exported: a Hugging Face folder, and the stored run checkpoint it came from, if any. */
export interface ExportSource {
  folder: string;
  /** How the user named it (for messages and the model card). */
  label: string;
  run?: { id: string; name: string; step: number };
}

function runCheckpoint(ref: string, step: number | undefined, home: string): ExportSource {
  const store = openWorkspaceStore(home);
  try {
    const run = store.runs.resolve(ref);
    const ckpt = step === undefined ? store.checkpoints.latest(run.id) : store.checkpoints.get(run.id, step);
    if (!ckpt) {
      const have = store.checkpoints.list(run.id).map((c) => c.step);
      throw new InputError(
        step === undefined
          ? `run ${run.id} has no checkpoint yet`
          : `run ${run.id} has no checkpoint at step ${step} (it has: ${have.length ? have.join(', ') : 'none'})`,
        { field: SOURCE_FIELD },
      );
    }
    if (!fs.existsSync(ckpt.path)) throw new InputError(`checkpoint of run ${run.id} at step ${ckpt.step} is missing`, { file: ckpt.path });
    return { folder: ckpt.path, label: `run ${run.id} (${run.name}) at step ${ckpt.step}`, run: { id: run.id, name: run.name, step: ckpt.step } };
  } finally {
    store.close();
  }
}

/**
 * Resolves the RUN|MODEL argument of `lsr export`: `run:<id>[@step]`, a model folder, a stored run (its id, a
 * unique id prefix or its name: the latest checkpoint), else a hub id `org/name[@revision]`.
 */
export async function resolveExportSource(ref: string, opts: ResolveOptions): Promise<ExportSource> {
  if (ref.trim() === '') throw new InputError('is empty', { field: SOURCE_FIELD });
  if (ref.startsWith('run:')) {
    const spec = parseModelSpec(ref, SOURCE_FIELD);
    if (spec.kind === 'run') return runCheckpoint(spec.runId, spec.step, opts.home);
  }
  if (fs.existsSync(ref)) return { folder: path.resolve(ref), label: ref };
  let runError: InputError;
  try {
    return runCheckpoint(ref, undefined, opts.home);
  } catch (err) {
    if (!(err instanceof InputError) || !/unknown run/.test(err.message)) throw err;
    runError = err;
  }
  let spec: ModelSpec;
  try {
    spec = parseModelSpec(ref, SOURCE_FIELD);
  } catch {
    throw new InputError(`no run or model "${ref}": not a stored run (see lsr runs list), a model folder, a hub id org/name[@revision] or run:<id>[@step]`, {
      field: SOURCE_FIELD,
    });
  }
  if (spec.kind !== 'hub') throw runError;
  return { folder: await resolveModelFolder(ref, opts, SOURCE_FIELD), label: ref };
}
