import { InputError } from '../errors.ts';
import type { MaskedLmModel } from '../models/types.ts';

/** Checks a rescale factor k (finite, > 0) as given by the user. */
export function validateRescaleK(k: number, field = '--k'): number {
  if (!Number.isFinite(k) || k <= 0) throw new InputError(`the head rescale factor must be a number > 0, got ${k}`, { field });
  return k;
}

/**
 * MLM-head rescaling: unties the decoder from the input embeddings (copying it) and divides decoder weight and
 * bias by k, so every logit is divided by k; the input embeddings stay as they are. k = 1 changes nothing.
 */
export function rescaleHead(model: MaskedLmModel, k: number, field = '--k'): void {
  validateRescaleK(k, field);
  if (k !== 1) model.rescaleHead(k);
}
