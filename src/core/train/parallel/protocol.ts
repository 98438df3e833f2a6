import type { WeightMap } from '../../models/types.ts';
import type { MaxFirstOptions } from '../../splade/max-first-head.ts';
import type { TrainConfig } from '../../../shared/train-config.ts';
import type { AdamWState } from '../adamw.ts';
import type { LossFields } from '../from-config.ts';
import type { BatchShard } from './shard.ts';

/** A model as plain data, so every replica builds the same one: config.json content and HF-named weights. */
export interface ModelSpec {
  config: Record<string, unknown>;
  weights: WeightMap;
}

/** What a replica needs to compute gradients and apply updates exactly as `trainStep` does. */
export interface ReplicaConfig {
  model: ModelSpec;
  loss: LossFields;
  optimizer: Pick<TrainConfig, 'adamBeta1' | 'adamBeta2' | 'adamEps' | 'weightDecay'>;
  maxGradNorm: number;
  head?: MaxFirstOptions;
  /** The tensor backend of every replica (`wasm` or `cpu`; native bindings cannot run in worker threads). */
  backend: string;
}

export interface WorkerInit {
  rank: number;
  parties: number;
  barrier: SharedArrayBuffer;
  config: ReplicaConfig;
}

/** Trainable variables in the order every replica lays out gradients in shared memory. */
export interface ParamLayout {
  names: string[];
  sizes: number[];
  shapes: number[][];
}

export interface StepRequest {
  type: 'step';
  id: number;
  step: number;
  lr: number;
  micro: BatchShard[];
  /**
   * Seeds Math.random (which tfjs draws dropout masks from) for this step, per worker (stream
   * `dropout/<step>/<rank>`), so a run with the same seed and worker count repeats exactly. Absent: unseeded.
   */
  dropoutSeed?: number;
  /** The whole micro-batch's representations, [queries | positives | negatives] × vocab float32. */
  reps: SharedArrayBuffer;
}

/** Hands every worker the shared optimizer memory (see shared-adamw.ts); rank 0 fills in the weights. */
export interface AttachRequest {
  type: 'attach';
  id: number;
  optimizer: SharedArrayBuffer;
}

export interface ExportRequest {
  type: 'export';
  id: number;
}

export interface OptimizerStateRequest {
  type: 'optimizer-state';
  id: number;
}

export interface SetOptimizerStateRequest {
  type: 'set-optimizer-state';
  id: number;
  state: AdamWState;
}

export type ToWorker = StepRequest | AttachRequest | ExportRequest | OptimizerStateRequest | SetOptimizerStateRequest;

export type FromWorker =
  | { type: 'ready'; layout: ParamLayout; vocab: number; backend: string }
  | { type: 'stepped'; id: number; rank: number; metrics?: Record<string, number>; phases: Record<string, number> }
  | { type: 'exported'; id: number; weights: WeightMap }
  | { type: 'attached'; id: number }
  | { type: 'optimizer-state'; id: number; state: AdamWState }
  | { type: 'optimizer-state-set'; id: number }
  /** `echo`: the worker only stopped because another one failed. */
  | { type: 'error'; id?: number; message: string; echo?: boolean };
