import * as tf from '@tensorflow/tfjs-core';
import type { MaskedLmModel } from '../../models/types.ts';
import type { MaxFirstOptions } from '../../splade/max-first-head.ts';
import { ensureGradients } from '../../tensor/gradients.ts';
import { frobeniusNorm } from '../../tensor/norm.ts';
import type { AdamW, AdamWState } from '../adamw.ts';
import { GradientAccumulator } from '../grad-accumulator.ts';
import type { GradMap } from '../grad-clip.ts';
import type { SpladeLoss } from '../losses/splade-loss.ts';
import { Rng } from '../rng.ts';
import { withSeededRandom } from '../seeded-random.ts';
import { countSparsity, emptySparsity, sparsityMetrics } from '../sparsity.ts';
import { encodeSplade } from '../train-step.ts';
import type { SharedBarrier } from './barrier.ts';
import type { ParamLayout, StepRequest } from './protocol.ts';
import { PhaseClock } from './phases.ts';
import { SharedAdamW } from './shared-adamw.ts';
import type { RowRange } from './shard.ts';

/*
 * One data-parallel replica. Every worker holds identical weights and computes, for its shard of the batch,
 * the gradient of the loss of the WHOLE batch through its own rows only:
 *   1. forward its queries and documents to SPLADE vectors and write them into shared memory;
 *   2. after a barrier, assemble the whole batch's vectors — its own rows as live tensors, the others' rows
 *      as constants — and compute the loss on them (in-batch negatives stay global);
 *   3. backpropagate: d loss / d θ through its own rows, i.e. its share ∂L/∂R_w · ∂R_w/∂θ.
 * The whole-batch gradient is the sum of the shares (chain rule over the disjoint row sets). The sum, the
 * clipping and AdamW run sharded in shared memory (shared-adamw.ts), and every replica then loads the same
 * updated weights.
 */

function tensorFromShared(view: Float32Array, shape: number[]): tf.Tensor {
  // The wasm backend copies into its heap at once; other backends may keep the array, which shared memory
  // would later overwrite.
  return tf.tensor(tf.getBackend() === 'wasm' ? view : view.slice(), shape);
}

type Kind = 'queries' | 'positives' | 'negatives';
const KINDS: readonly Kind[] = ['queries', 'positives', 'negatives'];

export class Replica {
  private readonly varList: tf.Variable[];
  private readonly byTfName = new Map<string, string>();
  private shared: SharedAdamW | undefined;
  readonly layout: ParamLayout;

  constructor(
    private readonly model: MaskedLmModel,
    private readonly loss: SpladeLoss,
    private readonly optimizer: AdamW,
    private readonly maxGradNorm: number,
    private readonly head: MaxFirstOptions | undefined,
    private readonly rank: number,
    private readonly parties: number,
    private readonly barrier: SharedBarrier,
  ) {
    ensureGradients();
    const names: string[] = [];
    const sizes: number[] = [];
    this.varList = [];
    const shapes: number[][] = [];
    for (const [name, v] of model.variables) {
      if (!v.trainable) continue;
      this.byTfName.set(v.name, name);
      this.varList.push(v);
      names.push(name);
      sizes.push(v.size);
      shapes.push(v.shape.slice());
    }
    this.layout = { names, sizes, shapes };
  }

  /** Takes the shared optimizer memory; rank 0 writes the starting weights into it. */
  attach(buffer: SharedArrayBuffer): void {
    this.shared = new SharedAdamW(this.layout, this.optimizer, this.rank, this.parties, buffer);
    if (this.rank === 0) this.shared.writeParams(this.model.variables);
  }

  optimizerState(): AdamWState {
    if (!this.shared) throw new Error('the replica has no shared optimizer memory yet');
    return this.shared.getState();
  }

  setOptimizerState(state: AdamWState): void {
    if (!this.shared) throw new Error('the replica has no shared optimizer memory yet');
    this.shared.setState(state);
  }

  /**
   * One optimizer update; rank 0 returns the step's metrics (all but timing). `phases` gets where this
   * replica's time went (forward, exchange, loss, backward, reduce, update, metrics, and wait: time blocked
   * on the other replicas).
   */
  step(req: StepRequest, phases = new PhaseClock()): Record<string, number> | undefined {
    if (req.dropoutSeed === undefined) return this.update(req, phases);
    return withSeededRandom(Rng.forStream(req.dropoutSeed, `dropout/${req.step}/${this.rank}`), () => this.update(req, phases));
  }

  private update(req: StepRequest, phases: PhaseClock): Record<string, number> | undefined {
    const arrive = (before: string): void => {
      phases.lap(before);
      this.barrier.arrive();
      phases.lap('wait');
    };
    const vocab = this.model.info.vocabSize;
    const reps = new Float32Array(req.reps);
    const acc = new GradientAccumulator();
    const sums: Record<string, number> = {};
    let lambdas: Record<string, number> = {};
    const q = emptySparsity();
    const d = emptySparsity();
    const scale = 1 / req.micro.length;
    try {
      for (const shard of req.micro) {
        const base: Record<Kind, number> = {
          queries: 0,
          positives: shard.totals.queries,
          negatives: shard.totals.queries + shard.totals.positives,
        };
        const exchange = (local: Partial<Record<Kind, tf.Tensor2D>>): Record<Kind, tf.Tensor2D | undefined> => {
          phases.lap('forward');
          for (const kind of KINDS) {
            const t = local[kind];
            if (t) reps.set(t.dataSync() as Float32Array, (base[kind] + shard.ranges[kind].start) * vocab);
          }
          arrive('exchange');
          const out = {} as Record<Kind, tf.Tensor2D | undefined>;
          for (const kind of KINDS) out[kind] = this.assemble(reps, base[kind], shard.totals[kind], shard.ranges[kind], local[kind], vocab);
          if (this.rank === 0) {
            countSparsity(reps, shard.totals.queries, vocab, q, 0);
            countSparsity(reps, shard.totals.positives + shard.totals.negatives, vocab, d, base.positives);
          }
          // Nobody overwrites the shared vectors before everybody has copied them.
          arrive('exchange');
          return out;
        };
        const lossOf = (all: Record<Kind, tf.Tensor2D | undefined>, components: Record<string, tf.Scalar>[]): tf.Scalar => {
          const rows = shard.totals.queries;
          const teacher = shard.teacherScores ? tf.tensor2d(shard.teacherScores, [rows, shard.teacherScores.length / rows]) : undefined;
          const out = this.loss.compute(
            {
              queries: all.queries!,
              positives: all.positives!,
              negatives: all.negatives,
              negativesPerQuery: shard.local.negativesPerQuery,
              teacherScores: teacher,
            },
            req.step + 1,
          );
          components.push(out.components);
          lambdas = out.lambdas;
          phases.lap('loss');
          return out.total;
        };
        const components: Record<string, tf.Scalar>[] = [];
        if (shard.ranges.queries.count === 0) {
          // No rows here: take part in the exchange, contribute no gradient.
          tf.tidy(() => {
            const total = lossOf(exchange({}), components);
            if (this.rank === 0) this.record(sums, total, components[0]!);
          });
          tf.dispose(components.flatMap((c) => Object.values(c)));
          continue;
        }
        const { value, grads } = tf.variableGrads(
          () =>
            lossOf(
              exchange({
                queries: encodeSplade(this.model, shard.local.queries, true, this.head),
                positives: encodeSplade(this.model, shard.local.positives, true, this.head),
                negatives: shard.local.negatives ? encodeSplade(this.model, shard.local.negatives, true, this.head) : undefined,
              }),
              components,
            ),
          this.varList,
        );
        try {
          if (this.rank === 0) this.record(sums, value, components[0]!);
        } finally {
          tf.dispose([value, ...components.flatMap((c) => Object.values(c))]);
        }
        const named: GradMap = new Map();
        for (const [tfName, g] of Object.entries(grads)) named.set(this.byTfName.get(tfName)!, g);
        acc.add(named, scale);
        phases.lap('backward');
      }
      if (!this.shared) throw new Error('the replica has no shared optimizer memory yet');
      const norm = this.shared.step(acc.take(), this.model.variables, req.lr, this.maxGradNorm, arrive);
      const skipped = !Number.isFinite(norm);
      phases.lap('update');
      if (this.rank !== 0) return undefined;
      const metrics: Record<string, number> = {};
      for (const [name, total] of Object.entries(sums)) metrics[name] = total * scale;
      for (const [name, value] of Object.entries(lambdas)) metrics[`lambda_${name}`] = value;
      metrics.lr = req.lr;
      metrics.grad_norm = norm;
      metrics.skipped = skipped ? 1 : 0;
      Object.assign(metrics, sparsityMetrics(q, d));
      metrics.decoder_norm = frobeniusNorm(this.model.decoderWeight);
      phases.lap('metrics');
      return metrics;
    } catch (err) {
      this.barrier.abort();
      throw err;
    } finally {
      acc.dispose();
    }
  }

  private record(sums: Record<string, number>, total: tf.Scalar, components: Record<string, tf.Scalar>): void {
    sums.loss = (sums.loss ?? 0) + total.dataSync()[0]!;
    for (const [name, t] of Object.entries(components)) sums[name] = (sums[name] ?? 0) + t.dataSync()[0]!;
  }

  /** The whole batch's vectors of one kind: own rows live (differentiable), the rest constants. */
  private assemble(
    reps: Float32Array,
    base: number,
    total: number,
    own: RowRange,
    local: tf.Tensor2D | undefined,
    vocab: number,
  ): tf.Tensor2D | undefined {
    if (total === 0) return undefined;
    const constant = (from: number, rows: number): tf.Tensor2D =>
      tensorFromShared(reps.subarray((base + from) * vocab, (base + from + rows) * vocab), [rows, vocab]) as tf.Tensor2D;
    if (!local || own.count === 0) return constant(0, total);
    const parts: tf.Tensor2D[] = [];
    if (own.start > 0) parts.push(constant(0, own.start));
    parts.push(local);
    const after = total - own.start - own.count;
    if (after > 0) parts.push(constant(own.start + own.count, after));
    return parts.length === 1 ? local : tf.concat(parts, 0);
  }
}
