import fs from 'node:fs';
import { InputError } from '../errors.ts';
import { findRunCheckpoint, parseModelSpec, resolveModel, type ResolveOptions, type RunCheckpoint } from '../models/resolve.ts';

export const SOURCE_FIELD = 'RUN|MODEL';

/** What is being exported: a Hugging Face folder, and the stored run checkpoint it came from, if any. */
export interface ExportSource {
  folder: string;
  /** How the user named it (for messages and the model card). */
  label: string;
  run?: { id: string; name: string; step: number };
}

function fromRun(c: RunCheckpoint): ExportSource {
  if (!fs.existsSync(c.folder)) throw new InputError(`checkpoint of run ${c.runId} at step ${c.step} is missing`, { file: c.folder });
  return { folder: c.folder, label: `run ${c.runId} (${c.runName}) at step ${c.step}`, run: { id: c.runId, name: c.runName, step: c.step } };
}

/**
 * Resolves the RUN|MODEL argument of `lsr export`: a MODEL (`run:<id>[@step]`, a model folder, a hub id
 * `org/name[@revision]`), and beyond MODEL a stored run named by its id, a unique id prefix or its name
 * (its latest checkpoint), tried before a hub id.
 */
export async function resolveExportSource(ref: string, opts: ResolveOptions): Promise<ExportSource> {
  if (ref.trim() === '') throw new InputError('is empty', { field: SOURCE_FIELD });
  if (!ref.startsWith('run:') && !fs.existsSync(ref)) {
    const run = await findRunCheckpoint(ref, undefined, opts.home, SOURCE_FIELD);
    if (run) return fromRun(run);
    try {
      parseModelSpec(ref, SOURCE_FIELD);
    } catch {
      throw new InputError(`no run or model "${ref}": not a stored run (see lsr runs list), a model folder, a hub id org/name[@revision] or run:<id>[@step]`, {
        field: SOURCE_FIELD,
      });
    }
  }
  const model = await resolveModel(ref, opts, SOURCE_FIELD);
  return model.run ? fromRun(model.run) : { folder: model.folder, label: ref };
}
