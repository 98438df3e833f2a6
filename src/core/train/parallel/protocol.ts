import type { WeightMap } from '../../models/types.ts';
import type { MaxFirstOptions } from '../../splade/max-first-head.ts';
import type { TrainConfig } from '../../../shared/train-config.ts';
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
}

export interface StepRequest {
  type: 'step';
  id: number;
  step: number;
  lr: number;
  micro: BatchShard[];
  /** The whole micro-batch's representations, [queries | positives | negatives] × vocab float32. */
  reps: SharedArrayBuffer;
  /** One gradient slot per worker (parties × parameters float32), then has-gradient flags (parties × variables int32). */
  grads: SharedArrayBuffer;
}

export interface ExportRequest {
  type: 'export';
  id: number;
}

export type ToWorker = StepRequest | ExportRequest;

export type FromWorker =
  | { type: 'ready'; layout: ParamLayout; vocab: number; backend: string }
  | { type: 'stepped'; id: number; rank: number; metrics?: Record<string, number>; phases: Record<string, number> }
  | { type: 'exported'; id: number; weights: WeightMap }
  /** `echo`: the worker only stopped because another one failed. */
  | { type: 'error'; id?: number; message: string; echo?: boolean };
