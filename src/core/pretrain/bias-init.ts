/**
 * The decoder bias as the log of the corpus's smoothed token frequencies: log((c_j + 1) / (N + V)), with
 * c_j the count of token j among the tokens masking can pick (special tokens count 0) and N their total.
 *
 * With it the untrained softmax already predicts the unigram distribution, so pretraining does not have
 * to push every rarely seen token's logit down through its decoder row. Under Adam that push moves each
 * such row a full step per update along one shared direction, whatever the gradient's size (the rows of
 * the demo backbones ended with a mean pairwise cosine near 0.7: docs/demo.md).
 */
export function unigramLogPrior(ids: Int32Array, vocabSize: number, specialIds: ReadonlySet<number>): Float32Array {
  const counts = new Float64Array(vocabSize);
  let total = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (specialIds.has(id) || id < 0 || id >= vocabSize) continue;
    counts[id]!++;
    total++;
  }
  const out = new Float32Array(vocabSize);
  const denominator = Math.log(total + vocabSize);
  for (let j = 0; j < vocabSize; j++) out[j] = Math.log(counts[j]! + 1) - denominator;
  return out;
}
