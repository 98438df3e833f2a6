import type { Worker } from 'node:worker_threads';
import { startWorkers } from '../../workers/start-workers.ts';
import type { WeightMap } from '../../models/types.ts';
import type { AdamWState } from '../adamw.ts';
import type { TrainBatch, TrainStepMetrics } from '../train-step.ts';
import { SharedBarrier } from './barrier.ts';
import type { FromWorker, ParamLayout, ReplicaConfig, StepRequest, ToWorker, WorkerInit } from './protocol.ts';
import { shardBatch } from './shard.ts';
import { SharedAdamW } from './shared-adamw.ts';

/*
 * Data-parallel training over worker threads: one model replica per worker, all built from the same weights
 * (sent from here), each computing its shard's share of the whole batch's gradient; shares are summed, clipped
 * and applied by AdamW sharded over the workers in shared memory, and every replica loads the updated weights
 * (see replica.ts, shared-adamw.ts). This thread only hands out shards and collects metrics.
 */

interface Pending {
  resolve: () => void;
  reject: (err: Error) => void;
  left: number;
  replies: FromWorker[];
}

function tokensOf(b: TrainBatch): number {
  return b.queries.rows * b.queries.cols + b.positives.rows * b.positives.cols + (b.negatives ? b.negatives.rows * b.negatives.cols : 0);
}

export class ParallelTrainer {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private reps = new SharedArrayBuffer(0);
  private failure: Error | undefined;
  private echo: NodeJS.Timeout | undefined;
  private closed = false;
  /** Where each replica's time went in the last step (seconds by phase; see Replica.step). */
  phases: Record<string, number>[] = [];

  private constructor(
    private readonly workers: Worker[],
    private readonly barrier: SharedBarrier,
    readonly layout: ParamLayout,
    readonly vocab: number,
    readonly backend: string,
  ) {
    workers.forEach((w) => {
      w.on('message', (m: FromWorker) => this.onMessage(m));
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`a training worker exited (code ${code})`));
      });
    });
  }

  /** Starts `parties` replicas of `config.model` and waits until every one has built its model. */
  static async start(config: ReplicaConfig, parties: number): Promise<ParallelTrainer> {
    if (!Number.isInteger(parties) || parties < 1) throw new Error(`worker count must be a positive integer, got ${parties}`);
    const barrierBuffer = SharedBarrier.allocate();
    const barrier = new SharedBarrier(barrierBuffer, parties);
    const url = new URL('./worker-bootstrap.mjs', import.meta.url);
    const inits = Array.from({ length: parties }, (_, rank): WorkerInit => ({ rank, parties, barrier: barrierBuffer, config }));
    const { workers, replies } = await startWorkers(url, inits, 'a training worker', (m: FromWorker): m is Extract<FromWorker, { type: 'ready' }> => m.type === 'ready', () =>
      barrier.abort(),
    );
    const { layout, vocab, backend } = replies[0]!;
    const trainer = new ParallelTrainer(workers, barrier, layout, vocab, backend);
    try {
      const optimizer = new SharedArrayBuffer(SharedAdamW.bytes(layout, parties));
      const id = trainer.nextId++;
      await trainer.request(id, () => ({ type: 'attach', id, optimizer }));
    } catch (err) {
      await trainer.close();
      throw err;
    }
    return trainer;
  }

  get parties(): number {
    return this.workers.length;
  }

  /**
   * One optimizer update over `microBatches` (as `trainStep`): `step` updates done before, learning rate
   * `lr`, dropout seeded from `dropoutSeed` (see StepRequest). Resolves with the metrics `trainStep` records.
   */
  async step(step: number, lr: number, microBatches: readonly TrainBatch[], dropoutSeed?: number): Promise<TrainStepMetrics> {
    if (microBatches.length === 0) throw new Error('a training step needs at least one batch');
    const start = performance.now();
    const shards = microBatches.map((b) => shardBatch(b, this.parties));
    let need = 0;
    for (const mb of shards) {
      const t = mb[0]!.totals;
      need = Math.max(need, (t.queries + t.positives + t.negatives) * this.vocab * 4);
    }
    if (this.reps.byteLength < need) this.reps = new SharedArrayBuffer(need);
    const id = this.nextId++;
    const replies = await this.request(id, (rank) => ({
      type: 'step',
      id,
      step,
      lr,
      micro: shards.map((s) => s[rank]!),
      dropoutSeed,
      reps: this.reps,
    } satisfies StepRequest));
    this.phases = new Array<Record<string, number>>(this.parties).fill({});
    for (const r of replies) if (r.type === 'stepped') this.phases[r.rank] = r.phases;
    const first = replies.find((r) => r.type === 'stepped' && r.metrics);
    if (!first || first.type !== 'stepped' || !first.metrics) throw new Error('worker 0 sent no metrics');
    const metrics: TrainStepMetrics = { ...first.metrics };
    const seconds = (performance.now() - start) / 1000;
    metrics.step_s = seconds;
    metrics.tokens_per_s = microBatches.reduce((n, b) => n + tokensOf(b), 0) / seconds;
    return metrics;
  }

  /** The replicas' current weights (they are identical), in Hugging Face naming and layout. */
  async exportWeights(): Promise<WeightMap> {
    const id = this.nextId++;
    const [reply] = await this.request(id, () => ({ type: 'export', id }), 1);
    if (!reply || reply.type !== 'exported') throw new Error('worker 0 sent no weights');
    return reply.weights;
  }

  /** The AdamW state (moments and update counts, in the AdamW class's format), for checkpoints. */
  async optimizerState(): Promise<AdamWState> {
    const id = this.nextId++;
    const [reply] = await this.request(id, () => ({ type: 'optimizer-state', id }), 1);
    if (!reply || reply.type !== 'optimizer-state') throw new Error('worker 0 sent no optimizer state');
    return reply.state;
  }

  /** Continues from a saved optimizer state (AdamW class format), e.g. when resuming a run. */
  async setOptimizerState(state: AdamWState): Promise<void> {
    const id = this.nextId++;
    await this.request(id, () => ({ type: 'set-optimizer-state', id, state }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.barrier.abort();
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const p of this.pending.values()) p.reject(new Error('the parallel trainer was closed'));
    this.pending.clear();
  }

  private request(id: number, message: (rank: number) => ToWorker, count = this.parties): Promise<FromWorker[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the parallel trainer is closed'));
    return new Promise((resolve, reject) => {
      const entry: Pending = {
        left: count,
        replies: [],
        reject,
        resolve: () => {
          this.pending.delete(id);
          resolve(entry.replies);
        },
      };
      this.pending.set(id, entry);
      for (let rank = 0; rank < count; rank++) this.workers[rank]!.postMessage(message(rank));
    });
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'error') {
      const err = new Error(`training worker failed: ${m.message}`);
      // A worker released by another's failure reports that first, often before the failure itself arrives.
      if (m.echo) this.echo ??= setTimeout(() => this.fail(err), 500);
      else this.fail(err);
      return;
    }
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    p.replies.push(m);
    if (--p.left === 0) p.resolve();
  }

  private fail(err: Error): void {
    if (this.failure) return;
    clearTimeout(this.echo);
    this.failure = err;
    this.barrier.abort();
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    void this.close();
  }
}
