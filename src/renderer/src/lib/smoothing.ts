/**
 * Debiased exponential moving average, as TensorBoard smooths scalars: with weight w, the smoothed value
 * at point n is sum_i w^(n-i) y_i / sum_i w^(n-i) over the finite points so far, so early points are not
 * pulled towards zero. Non-finite values pass through unchanged and do not enter the average.
 */
export function smoothEma(values: readonly number[], weight: number): number[] {
  if (!(weight > 0)) return [...values];
  const w = Math.min(weight, 0.999);
  let acc = 0;
  let count = 0;
  return values.map((y) => {
    if (!Number.isFinite(y)) return y;
    acc = acc * w + (1 - w) * y;
    count++;
    return acc / (1 - Math.pow(w, count));
  });
}
