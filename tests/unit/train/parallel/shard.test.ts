import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/core/errors.ts';
import { BarrierAbortedError, SharedBarrier } from '../../../../src/core/train/parallel/barrier.ts';
import os from 'node:os';
import { CORES_ENV, chooseWorkers, coresForThisProcess, coresPerLane } from '../../../../src/core/train/parallel/choose-workers.ts';
import { shardBatch, shardRows } from '../../../../src/core/train/parallel/shard.ts';
import type { TokenBatch } from '../../../../src/core/train/train-step.ts';

function tokens(rows: number, cols: number, base: number): TokenBatch {
  return {
    inputIds: Int32Array.from({ length: rows * cols }, (_, i) => base + i),
    attentionMask: new Int32Array(rows * cols).fill(1),
    rows,
    cols,
  };
}

describe('shardRows / shardBatch', () => {
  it('splits rows into contiguous ranges, the first ones longer', () => {
    expect(shardRows(7, 3)).toEqual([
      { start: 0, count: 3 },
      { start: 3, count: 2 },
      { start: 5, count: 2 },
    ]);
    expect(shardRows(1, 2)).toEqual([
      { start: 0, count: 1 },
      { start: 1, count: 0 },
    ]);
  });

  it('gives each worker its queries, their positives and their hard negatives', () => {
    const batch = { queries: tokens(3, 2, 0), positives: tokens(3, 4, 100), negatives: tokens(6, 4, 1000), negativesPerQuery: 2 };
    const [a, b] = shardBatch(batch, 2);
    expect(a!.ranges).toEqual({ queries: { start: 0, count: 2 }, positives: { start: 0, count: 2 }, negatives: { start: 0, count: 4 } });
    expect(b!.ranges).toEqual({ queries: { start: 2, count: 1 }, positives: { start: 2, count: 1 }, negatives: { start: 4, count: 2 } });
    expect(b!.totals).toEqual({ queries: 3, positives: 3, negatives: 6 });
    expect(Array.from(b!.local.queries.inputIds)).toEqual([4, 5]);
    expect(Array.from(b!.local.positives.inputIds)).toEqual([108, 109, 110, 111]);
    expect(Array.from(b!.local.negatives!.inputIds)).toEqual([1016, 1017, 1018, 1019, 1020, 1021, 1022, 1023]);
  });
});

describe('chooseWorkers', () => {
  it('uses every core on wasm while each gets 4 queries of the batch, and one thread elsewhere', () => {
    expect(chooseWorkers('auto', 'wasm', { cores: 2 })).toBe(2);
    expect(chooseWorkers('auto', 'wasm', { cores: 2, batchRows: 16 })).toBe(2);
    expect(chooseWorkers('auto', 'wasm', { cores: 8, batchRows: 12 })).toBe(3);
    expect(chooseWorkers('auto', 'wasm', { cores: 2, batchRows: 7 })).toBe(1);
    expect(chooseWorkers('auto', 'wasm', { cores: 1 })).toBe(1);
    expect(chooseWorkers('auto', 'tensorflow', { cores: 16 })).toBe(1);
    expect(chooseWorkers('auto', 'cpu', { cores: 16 })).toBe(1);
    expect(chooseWorkers(3, 'cpu', { cores: 2 })).toBe(3);
  });

  it('takes the share of cores a run queue gives the process (LSR_CORES), split evenly over parallel runs', () => {
    expect(coresPerLane(2, 2)).toBe(1);
    expect(coresPerLane(2, 16)).toBe(8);
    expect(coresPerLane(3, 2)).toBe(1);
    expect(coresPerLane(1, 4)).toBe(4);
    const saved = process.env[CORES_ENV];
    try {
      process.env[CORES_ENV] = '1';
      expect(coresForThisProcess()).toBe(1);
      expect(chooseWorkers('auto', 'wasm', { batchRows: 16 })).toBe(1);
      process.env[CORES_ENV] = 'junk';
      expect(coresForThisProcess()).toBe(os.availableParallelism());
    } finally {
      if (saved === undefined) delete process.env[CORES_ENV];
      else process.env[CORES_ENV] = saved;
    }
  });

  it('refuses several workers for a native backend, naming the field', () => {
    expect(() => chooseWorkers(2, 'tensorflow')).toThrow(InputError);
    expect(() => chooseWorkers(2, 'tensorflow-gpu')).toThrow(/workers/);
    expect(chooseWorkers(1, 'tensorflow')).toBe(1);
    expect(() => chooseWorkers(0, 'wasm')).toThrow(InputError);
  });
});

describe('SharedBarrier', () => {
  it('lets a single party through and fails every arrival once aborted', () => {
    const buffer = SharedBarrier.allocate();
    const one = new SharedBarrier(buffer, 1);
    one.arrive();
    one.arrive();
    one.abort();
    expect(() => one.arrive()).toThrow(BarrierAbortedError);
  });

  async function waiter(buffer: SharedArrayBuffer, parties: number, onWaiting: () => void): Promise<string> {
    const { Worker } = await import('node:worker_threads');
    const w = new Worker(new URL('../../../helpers/barrier-waiter.mjs', import.meta.url), { workerData: { buffer, parties } });
    try {
      return await new Promise<string>((resolve, reject) => {
        w.on('error', reject);
        w.on('message', (m: string) => (m === 'waiting' ? onWaiting() : resolve(m)));
      });
    } finally {
      await w.terminate();
    }
  }

  it('lets a thread through once the other party arrives', async () => {
    const buffer = SharedBarrier.allocate();
    // The waiter announces itself just before arriving; arriving here completes the pair either way round.
    expect(await waiter(buffer, 2, () => new SharedBarrier(buffer, 2).arrive())).toBe('passed');
  });

  it('releases a waiting thread when another party aborts', async () => {
    const buffer = SharedBarrier.allocate();
    expect(await waiter(buffer, 2, () => setTimeout(() => new SharedBarrier(buffer, 2).abort(), 50))).toBe('released by abort');
  });
});
