/**
 * Linear warm-up then linear decay to 0, as Hugging Face's `get_linear_schedule_with_warmup` (used by
 * naver/splade): the learning rate of the update that follows `step` completed updates is
 *   peak · step / warmup                              while step < warmup,
 *   peak · max(0, (total − step) / (total − warmup))  after.
 * So with a warm-up the very first update runs at lr 0, exactly as there.
 */
export function linearWarmupDecay(step: number, peak: number, warmupSteps: number, totalSteps: number): number {
  if (step < warmupSteps) return (peak * step) / Math.max(1, warmupSteps);
  return peak * Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}
