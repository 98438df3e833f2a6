import * as tf from '@tensorflow/tfjs-core';
import { readFloat32 } from '../tensor/heap-view.ts';
import { adamwUpdate, type AdamWCoefficients } from './adamw-update.ts';
import type { GradMap } from './grad-clip.ts';

/*
 * AdamW as PyTorch's `torch.optim.AdamW` (Loshchilov & Hutter, decoupled weight decay), per parameter:
 *   p ← p − lr·wd·p
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
 * with t the parameter's own update count. A parameter without a gradient in a step is left alone (as
 * PyTorch skips parameters whose grad is None). The moments are plain Float32Arrays and the update one fused
 * loop (adamw-update.ts): on the wasm backend that is ~2× faster than a dozen tensor ops over every
 * parameter, the square root among them.
 */

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Parameters exempt from weight decay, by Hugging Face name. Default: `defaultNoDecay`. */
  noDecay?: (name: string) => boolean;
}

/**
 * The Hugging Face / SPLADE recipe's exemption from weight decay: every bias and every normalization
 * weight (`LayerNorm.weight` in BERT, `norm.weight`, `attn_norm.weight`, `mlp_norm.weight`,
 * `final_norm.weight` in ModernBERT, `sa_layer_norm.weight` and `output_layer_norm.weight` in DistilBERT).
 */
export function defaultNoDecay(name: string): boolean {
  return /(^|\.)bias$/.test(name) || /(^|\.)[^.]*norm[^.]*\.weight$/i.test(name);
}

/** Optimizer state as plain data: JSON for the scalars, one Float32Array per moment. */
export interface AdamWState {
  json: {
    format: 'adamw/1';
    beta1: number;
    beta2: number;
    eps: number;
    weightDecay: number;
    params: { name: string; step: number; shape: number[] }[];
  };
  /** `<name>/exp_avg` and `<name>/exp_avg_sq` for every parameter in `json.params`. */
  tensors: Map<string, Float32Array>;
}

interface Slot {
  step: number;
  shape: number[];
  m: Float32Array;
  v: Float32Array;
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly noDecay: (name: string) => boolean;
  private readonly slots = new Map<string, Slot>();

  constructor(options: AdamWOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    this.noDecay = options.noDecay ?? defaultNoDecay;
  }

  /** Whether `name` gets weight decay. */
  decays(name: string): boolean {
    return this.weightDecay !== 0 && !this.noDecay(name);
  }

  /** One update of every parameter that has a gradient in `grads` (same names as `params`). */
  apply(params: ReadonlyMap<string, tf.Variable>, grads: GradMap, lr: number): void {
    for (const [name, g] of grads) {
      const p = params.get(name);
      if (!p) throw new Error(`AdamW: gradient for unknown parameter "${name}"`);
      const slot = this.slot(name, p);
      slot.step += 1;
      // A copy to update (the backend's own array must not change under it), then the gradient's values.
      const next = Float32Array.from(readFloat32(p));
      adamwUpdate(next, readFloat32(g), slot.m, slot.v, 0, next.length, this.coefficients(name, lr, slot.step));
      tf.tidy(() => p.assign(tf.tensor(next, p.shape)));
    }
  }

  /** The update's constants for parameter `name` at its update count `step` (this update included). */
  coefficients(name: string, lr: number, step: number, gradScale = 1): AdamWCoefficients {
    return {
      lr,
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      decay: this.decays(name) ? lr * this.weightDecay : 0,
      step,
      gradScale,
    };
  }

  /** Update count of a parameter (0 before its first update). */
  stepOf(name: string): number {
    return this.slots.get(name)?.step ?? 0;
  }

  getState(): AdamWState {
    const tensors = new Map<string, Float32Array>();
    const params: AdamWState['json']['params'] = [];
    for (const [name, slot] of this.slots) {
      params.push({ name, step: slot.step, shape: slot.shape.slice() });
      tensors.set(`${name}/exp_avg`, slot.m.slice());
      tensors.set(`${name}/exp_avg_sq`, slot.v.slice());
    }
    return {
      json: {
        format: 'adamw/1',
        beta1: this.beta1,
        beta2: this.beta2,
        eps: this.eps,
        weightDecay: this.weightDecay,
        params,
      },
      tensors,
    };
  }

  /** Replaces the moments and counts with a saved state (hyper-parameters must match). */
  setState(state: AdamWState): void {
    const j = state.json;
    if (j.format !== 'adamw/1') throw new Error(`unknown optimizer state format "${String(j.format)}"`);
    for (const key of ['beta1', 'beta2', 'eps', 'weightDecay'] as const) {
      if (j[key] !== this[key]) throw new Error(`optimizer state has ${key} ${j[key]}, this optimizer ${this[key]}`);
    }
    const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
    for (const p of j.params) {
      const m = state.tensors.get(`${p.name}/exp_avg`);
      const v = state.tensors.get(`${p.name}/exp_avg_sq`);
      if (!m || !v) throw new Error(`optimizer state lacks the moments of "${p.name}"`);
      if (m.length !== size(p.shape) || v.length !== size(p.shape)) {
        throw new Error(`optimizer state for "${p.name}" does not match its shape [${p.shape}]`);
      }
    }
    this.dispose();
    for (const p of j.params) {
      this.slots.set(p.name, {
        step: p.step,
        shape: p.shape.slice(),
        m: state.tensors.get(`${p.name}/exp_avg`)!.slice(),
        v: state.tensors.get(`${p.name}/exp_avg_sq`)!.slice(),
      });
    }
  }

  dispose(): void {
    this.slots.clear();
  }

  private slot(name: string, p: tf.Variable): Slot {
    let slot = this.slots.get(name);
    if (!slot) {
      slot = { step: 0, shape: p.shape.slice(), m: new Float32Array(p.size), v: new Float32Array(p.size) };
      this.slots.set(name, slot);
    } else if (!tf.util.arraysEqual(slot.shape, p.shape)) {
      throw new Error(`AdamW: "${name}" changed shape from [${slot.shape}] to [${p.shape}]`);
    }
    return slot;
  }
}
