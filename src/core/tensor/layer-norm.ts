import * as tf from '@tensorflow/tfjs-core';

/*
 * torch.nn.LayerNorm over the last axis of x [rows, dim]: biased variance, eps inside the square root.
 * The backward pass is the closed form (x̂ = (x − μ)·r, r = 1/√(σ² + ε), ĝ = dy·γ):
 *   dx = r · (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂)),   dγ = Σ_rows dy · x̂,   dβ = Σ_rows dy
 * in a handful of kernels instead of autograd's chain through `moments`.
 */
const layerNormOp = (eps: number) =>
  tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, gamma, beta, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const mean = tf.mean(x, -1, true);
    const centered = tf.sub(x, mean);
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), eps));
    const xHat = tf.mul(centered, r);
    save([xHat, r, gamma]);
    return {
      value: tf.add(tf.mul(xHat, gamma), beta),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sr, sg] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const g = tf.mul(dy, sg);
        const inner = tf.sub(tf.sub(g, tf.mean(g, -1, true)), tf.mul(sx, tf.mean(tf.mul(g, sx), -1, true)));
        return [tf.mul(inner, sr), tf.sum(tf.mul(dy, sx), 0), tf.sum(dy, 0)];
      },
    };
  });

const ops = new Map<number, ReturnType<typeof layerNormOp>>();

export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor2D {
  let op = ops.get(eps);
  if (!op) ops.set(eps, (op = layerNormOp(eps)));
  return op(x, gamma, beta) as tf.Tensor2D;
}
