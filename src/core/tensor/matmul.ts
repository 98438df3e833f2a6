import * as tf from '@tensorflow/tfjs-core';

/*
 * The wasm backend takes its fast (XNNPACK) path only for a plain 2-D matMul: no transpose flags, batch 1.
 * With a flag it falls back to a ~10× slower loop (engine-feasibility notes). So every product here is
 * arranged as explicit transposes plus plain matMuls, in the forward pass and, through `customGrad`, in the
 * backward pass too.
 */

function size2d(t: tf.Tensor2D): number {
  return t.shape[0] * t.shape[1];
}

/**
 * op(a) · op(b) (op = transpose when the flag is set) using only plain matMuls. Of the two equivalent
 * arrangements, op(a)·op(b) and (op(b)ᵀ·op(a)ᵀ)ᵀ, takes the one that transposes fewer elements.
 * Differentiable through tfjs's own transpose and matMul gradients; use `matMul2d` for the fast backward.
 */
export function plainMatMul(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
  return tf.tidy((): tf.Tensor2D => {
    const rows = transposeA ? a.shape[1] : a.shape[0];
    const cols = transposeB ? b.shape[0] : b.shape[1];
    const direct = (transposeA ? size2d(a) : 0) + (transposeB ? size2d(b) : 0);
    const flipped = (transposeA ? 0 : size2d(a)) + (transposeB ? 0 : size2d(b)) + rows * cols;
    if (direct <= flipped) {
      const left = transposeA ? tf.transpose(a) : a;
      const right = transposeB ? tf.transpose(b) : b;
      return tf.matMul(left, right) as tf.Tensor2D;
    }
    // op(b)ᵀ is b itself when transposeB, else bᵀ; likewise for a.
    const left = transposeB ? b : tf.transpose(b);
    const right = transposeA ? a : tf.transpose(a);
    return tf.transpose(tf.matMul(left, right)) as tf.Tensor2D;
  });
}

/**
 * op(a) · op(b) for 2-D tensors, forward and backward on plain 2-D matMuls only.
 * Gradients (C = op(a)·op(b), G = dC): d op(a) = G·op(b)ᵀ and d op(b) = op(a)ᵀ·G, transposed back when a
 * flag was set — each again as plain matMuls with the cheaper explicit transpose.
 */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xa, yb, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([xa, yb]);
    return {
      value: plainMatMul(xa, yb, transposeA, transposeB),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const g = dy as tf.Tensor2D;
        const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
        const da = transposeA ? plainMatMul(sb, g, transposeB, true) : plainMatMul(g, sb, false, !transposeB);
        const db = transposeB ? plainMatMul(g, sa, true, transposeA) : plainMatMul(sa, g, !transposeA, false);
        return [da, db];
      },
    };
  });
  return op(a, b) as tf.Tensor2D;
}

/**
 * A dense layer in Hugging Face layout: x [..., in] · weightᵀ (weight [out, in]) + bias, on plain matMuls.
 * Leading dimensions of x are flattened for the product and restored after.
 */
export function linear(x: tf.Tensor, weight: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor {
  return tf.tidy(() => {
    const inner = x.shape[x.shape.length - 1]!;
    const lead = x.shape.slice(0, -1);
    const flat = tf.reshape(x, [-1, inner]) as tf.Tensor2D;
    let y: tf.Tensor = matMul2d(flat, weight, false, true);
    if (bias) y = tf.add(y, bias);
    return tf.reshape(y, [...lead, weight.shape[0]]);
  });
}
