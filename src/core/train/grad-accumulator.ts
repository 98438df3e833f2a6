import * as tf from '@tensorflow/tfjs-core';
import type { GradMap } from './grad-clip.ts';

/**
 * Sums gradients over micro-batches: add each micro-batch's gradients scaled by 1/n (as a loss divided by
 * the number of accumulation steps), then take the sum for one optimizer update.
 */
export class GradientAccumulator {
  private sums: GradMap = new Map();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Takes ownership of `grads`. */
  add(grads: GradMap, scale = 1): void {
    for (const [name, g] of grads) {
      const scaled = scale === 1 ? g : tf.mul(g, scale);
      if (scaled !== g) g.dispose();
      const prev = this.sums.get(name);
      if (prev) {
        this.sums.set(name, tf.add(prev, scaled));
        prev.dispose();
        scaled.dispose();
      } else {
        this.sums.set(name, scaled);
      }
    }
    this.count++;
  }

  /** Hands the sums to the caller and starts over. */
  take(): GradMap {
    const out = this.sums;
    this.sums = new Map();
    this.count = 0;
    return out;
  }

  dispose(): void {
    for (const g of this.sums.values()) g.dispose();
    this.sums.clear();
    this.count = 0;
  }
}
