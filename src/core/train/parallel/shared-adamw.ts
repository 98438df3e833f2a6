import * as tf from '@tensorflow/tfjs-core';
import { readFloat32 } from '../../tensor/heap-view.ts';
import type { AdamW, AdamWState } from '../adamw.ts';
import { adamwUpdate } from '../adamw-update.ts';
import type { GradMap } from '../grad-clip.ts';
import type { ParamLayout } from './protocol.ts';

/*
 * Gradient sum, clipping and AdamW for data-parallel replicas, sharded over the workers in shared memory.
 * One buffer holds, for P parameters (all trainable variables flattened in layout order) and W workers:
 *   W gradient slots [P] · has-gradient flags [W × variables] · squared-norm partials [W] (float64) ·
 *   parameters [P] · first moments [P] · second moments [P].
 * Each worker sums the slots over its own range of the P entries (in worker order), adds up that range's
 * squared norm, then — all partials in hand — applies the clipped AdamW update to that range of the
 * shared parameters and moments; finally every worker copies the parameters into its variables. The
 * replicas therefore hold the same weights after every step, while each does only 1/W of the optimizer's
 * work, and the moments exist once.
 */

interface Offsets {
  flags: number;
  partials: number;
  params: number;
  m: number;
  v: number;
  end: number;
}

function offsets(total: number, variables: number, parties: number): Offsets {
  const flags = parties * total * 4;
  const partials = Math.ceil((flags + parties * variables * 4) / 8) * 8;
  const params = partials + parties * 8;
  const m = params + total * 4;
  const v = m + total * 4;
  return { flags, partials, params, m, v, end: v + total * 4 };
}

export class SharedAdamW {
  private readonly total: number;
  private readonly starts: number[] = [];
  private readonly steps: number[];
  private readonly slots: Float32Array;
  private readonly flags: Int32Array;
  private readonly partials: Float64Array;
  private readonly params: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly lo: number;
  private readonly hi: number;

  static bytes(layout: ParamLayout, parties: number): number {
    return offsets(layout.sizes.reduce((a, b) => a + b, 0), layout.names.length, parties).end;
  }

  constructor(
    private readonly layout: ParamLayout,
    private readonly hyper: AdamW,
    private readonly rank: number,
    private readonly parties: number,
    buffer: SharedArrayBuffer,
  ) {
    let at = 0;
    for (const size of layout.sizes) {
      this.starts.push(at);
      at += size;
    }
    this.total = at;
    this.steps = layout.names.map(() => 0);
    const o = offsets(this.total, layout.names.length, parties);
    if (buffer.byteLength < o.end) throw new Error(`shared optimizer buffer holds ${buffer.byteLength} bytes, needs ${o.end}`);
    this.slots = new Float32Array(buffer, 0, parties * this.total);
    this.flags = new Int32Array(buffer, o.flags, parties * layout.names.length);
    this.partials = new Float64Array(buffer, o.partials, parties);
    this.params = new Float32Array(buffer, o.params, this.total);
    this.m = new Float32Array(buffer, o.m, this.total);
    this.v = new Float32Array(buffer, o.v, this.total);
    const chunk = Math.ceil(this.total / parties);
    this.lo = Math.min(this.total, rank * chunk);
    this.hi = Math.min(this.total, this.lo + chunk);
  }

  /** Rank 0, once, before any step: the starting weights (identical on every replica). */
  writeParams(variables: ReadonlyMap<string, tf.Variable>): void {
    this.layout.names.forEach((name, i) => this.params.set(readFloat32(variables.get(name)!), this.starts[i]));
  }

  /**
   * One update from this worker's gradient share `own` (taken over and disposed). `arrive` is the barrier
   * (called three times, by every worker). Returns the global norm before clipping; a non-finite norm skips
   * the update, as `trainStep` does.
   */
  step(own: GradMap, variables: ReadonlyMap<string, tf.Variable>, lr: number, maxGradNorm: number, arrive: (phase: string) => void): number {
    const { names, sizes } = this.layout;
    const mine = this.slots.subarray(this.rank * this.total, (this.rank + 1) * this.total);
    names.forEach((name, i) => {
      const g = own.get(name);
      if (g) mine.set(readFloat32(g), this.starts[i]);
      else mine.fill(0, this.starts[i], this.starts[i]! + sizes[i]!);
      this.flags[this.rank * names.length + i] = g ? 1 : 0;
    });
    tf.dispose([...own.values()]);
    arrive('reduce');

    const { slots, lo, hi } = this;
    let squares = 0;
    for (let i = lo; i < hi; i++) {
      let s = slots[i]!;
      for (let w = 1; w < this.parties; w++) s += slots[w * this.total + i]!;
      slots[i] = s;
      const f = slots[i]!;
      squares += f * f;
    }
    this.partials[this.rank] = squares;
    arrive('reduce');

    let sum = 0;
    for (let w = 0; w < this.parties; w++) sum += this.partials[w]!;
    const norm = Math.sqrt(sum);
    const skipped = !Number.isFinite(norm);
    // PyTorch's clip_grad_norm_: scale by maxNorm / (norm + 1e-6) when that is below 1.
    const scale = maxGradNorm > 0 && Number.isFinite(maxGradNorm) && !skipped ? Math.min(1, maxGradNorm / (norm + 1e-6)) : 1;
    const present = names.map((_, i) => {
      for (let w = 0; w < this.parties; w++) if (this.flags[w * names.length + i]) return true;
      return false;
    });
    if (!skipped) {
      names.forEach((name, i) => {
        if (!present[i]) return;
        this.steps[i]! += 1;
        const from = Math.max(lo, this.starts[i]!);
        const to = Math.min(hi, this.starts[i]! + sizes[i]!);
        if (to > from) adamwUpdate(this.params, slots, this.m, this.v, from, to, this.hyper.coefficients(name, lr, this.steps[i]!, scale));
      });
    }
    arrive('update');

    if (!skipped) {
      names.forEach((name, i) => {
        if (!present[i]) return;
        const variable = variables.get(name)!;
        const values = this.params.subarray(this.starts[i], this.starts[i]! + sizes[i]!);
        // The wasm backend copies into its heap at once; others may keep the array, which the next step rewrites.
        tf.tidy(() => variable.assign(tf.tensor(tf.getBackend() === 'wasm' ? values : values.slice(), variable.shape)));
      });
    }
    return norm;
  }

  /**
   * Continues from a saved state (AdamW class format): every worker takes the update counts, rank 0 writes
   * the moments into shared memory. Call on all workers before the next step.
   */
  setState(state: AdamWState): void {
    const h = this.hyper;
    const j = state.json;
    if (j.format !== 'adamw/1') throw new Error(`unknown optimizer state format "${String(j.format)}"`);
    for (const key of ['beta1', 'beta2', 'eps', 'weightDecay'] as const) {
      if (j[key] !== h[key]) throw new Error(`optimizer state has ${key} ${j[key]}, this optimizer ${h[key]}`);
    }
    const index = new Map(this.layout.names.map((n, i) => [n, i]));
    this.steps.fill(0);
    if (this.rank === 0) {
      this.m.fill(0);
      this.v.fill(0);
    }
    for (const p of j.params) {
      const i = index.get(p.name);
      if (i === undefined) throw new Error(`optimizer state names "${p.name}", which the model does not have`);
      const m = state.tensors.get(`${p.name}/exp_avg`);
      const v = state.tensors.get(`${p.name}/exp_avg_sq`);
      if (!m || !v || m.length !== this.layout.sizes[i] || v.length !== this.layout.sizes[i]) {
        throw new Error(`optimizer state for "${p.name}" does not match its shape [${this.layout.shapes[i]}]`);
      }
      this.steps[i] = p.step;
      if (this.rank === 0) {
        this.m.set(m, this.starts[i]);
        this.v.set(v, this.starts[i]);
      }
    }
  }

  /** The optimizer state in the AdamW class's format (moments and update counts), for checkpoints. */
  getState(): AdamWState {
    const tensors = new Map<string, Float32Array>();
    const params: AdamWState['json']['params'] = [];
    this.layout.names.forEach((name, i) => {
      if (this.steps[i] === 0) return;
      const range = [this.starts[i]!, this.starts[i]! + this.layout.sizes[i]!] as const;
      params.push({ name, step: this.steps[i]!, shape: this.layout.shapes[i]!.slice() });
      tensors.set(`${name}/exp_avg`, this.m.slice(...range));
      tensors.set(`${name}/exp_avg_sq`, this.v.slice(...range));
    });
    const h = this.hyper;
    return { json: { format: 'adamw/1', beta1: h.beta1, beta2: h.beta2, eps: h.eps, weightDecay: h.weightDecay, params }, tensors };
  }
}
