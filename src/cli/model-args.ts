import type { CommandContext } from './command.ts';
import { InputError } from '../core/errors.ts';
import { loadMaskedLm, readModelConfig } from '../core/models/load.ts';
import { resolveModelFolder } from '../core/models/resolve.ts';
import type { MaskedLmModel } from '../core/models/types.ts';
import { selectBackend, type BackendReport } from '../core/tensor/backend.ts';
import { defaultMaxLength } from '../core/splade/encoder.ts';
import { loadTokenizer } from '../core/tokenize/load-tokenizer.ts';
import type { TextTokenizer } from '../core/tokenize/text-tokenizer.ts';

/** `--model MODEL` → a local Hugging Face folder. */
export function modelFolderArg(ctx: CommandContext): Promise<string> {
  return resolveModelFolder(ctx.args.required('model'), { home: ctx.home, onProgress: ctx.progress, signal: ctx.signal });
}

/** Selects the tensor backend and reports it on stderr (skipped backends included). */
export async function backendFor(ctx: CommandContext): Promise<BackendReport> {
  const report = await selectBackend(undefined, (line) => ctx.io.stderr.write(line + '\n'));
  ctx.io.stderr.write(`backend: ${report.name}\n`);
  return report;
}

/**
 * The masked LM of a model folder and its tokenizer, for inference. The tokenizer comes first, so a missing
 * one is reported before a large checkpoint is read; then the backend, then the weights. The caller
 * disposes the model.
 */
export async function loadModelAndTokenizer(ctx: CommandContext, folder: string): Promise<{ model: MaskedLmModel; tokenizer: TextTokenizer }> {
  const tokenizer = await loadTokenizer(folder, readModelConfig(folder));
  await backendFor(ctx);
  return { model: loadMaskedLm(folder), tokenizer };
}

/** `max_position_embeddings` of a config.json (BERT, DistilBERT and ModernBERT all use that key). */
export function maxPositionsOf(config: Record<string, unknown>): number {
  const v = config.max_position_embeddings;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 512;
}

/** `--max-length N` (special tokens included) if given, checked against the model's positions (asked only then). */
export function givenMaxLength(ctx: CommandContext, maxPositions: () => number): number | undefined {
  const given = ctx.args.number('max-length', { integer: true, min: 2 });
  if (given === undefined) return undefined;
  const positions = maxPositions();
  if (given > positions) throw new InputError(`${given} exceeds the model's ${positions} positions`, { field: '--max-length' });
  return given;
}

/** `--max-length N` (special tokens included), checked against the model; default: the model's limit. */
export function maxLengthArg(ctx: CommandContext, maxPositions: number, tokenizer: TextTokenizer): number {
  return givenMaxLength(ctx, () => maxPositions) ?? defaultMaxLength({ maxPositions }, tokenizer);
}
