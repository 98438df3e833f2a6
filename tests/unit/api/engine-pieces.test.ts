import { describe, expect, it } from 'vitest';
import type { TaskProgress } from '../../../src/shared/contract.ts';
import { ModelCache, type LoadedModel } from '../../../src/core/api/model-cache.ts';
import { TaskRegistry } from '../../../src/core/api/tasks.ts';
import { ApiLifecycle } from '../../../src/core/api/lifecycle.ts';
import { CancelledError } from '../../../src/core/errors.ts';
import type { HeadStatsForK } from '../../../src/core/splade/head-stats.ts';
import { K_RULE_THRESHOLDS, suggestK } from '../../../src/core/splade/k-suggestion.ts';

/** A loaded-model stand-in that records its disposal. */
function fakeLoader(log: string[]) {
  return async (folder: string, k: number): Promise<LoadedModel> => {
    log.push(`load ${folder} k${k}`);
    const model = { dispose: () => log.push(`dispose ${folder} k${k}`) };
    return { folder, k, model, tokenizer: {}, encoder: {} } as unknown as LoadedModel;
  };
}

describe('ModelCache', () => {
  it('loads once per folder and k, evicts the least recently used, and disposes what it evicts', async () => {
    const log: string[] = [];
    const cache = new ModelCache(2, fakeLoader(log));
    const use = (folder: string, k: number) => cache.use(folder, k, async (m) => `${m.folder}/${m.k}`);
    expect(await use('a', 1)).toBe('a/1');
    expect(await use('a', 4)).toBe('a/4');
    expect(await use('a', 1)).toBe('a/1');
    expect(log).toEqual(['load a k1', 'load a k4']);
    // a/4 is now the least recently used.
    await use('b', 1);
    expect(log).toEqual(['load a k1', 'load a k4', 'load b k1', 'dispose a k4']);
    expect(cache.keys()).toEqual([
      { folder: 'a', k: 1 },
      { folder: 'b', k: 1 },
    ]);
  });

  it('shares one load between concurrent calls and keeps an evicted model alive until its call ends', async () => {
    const log: string[] = [];
    const cache = new ModelCache(1, fakeLoader(log));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = cache.use('a', 1, async () => held);
    const second = cache.use('a', 1, async () => 'same');
    expect(await second).toBe('same');
    await cache.use('b', 1, async () => undefined);
    // `a` was evicted while the first call still used it: not disposed yet.
    expect(log).toEqual(['load a k1', 'load b k1']);
    release();
    await first;
    expect(log).toEqual(['load a k1', 'load b k1', 'dispose a k1']);
    cache.clear();
    // Disposal waits for the load's promise.
    await new Promise((r) => setTimeout(r, 0));
    expect(log.at(-1)).toBe('dispose b k1');
  });

  it('forgets a failed load so the next call tries again', async () => {
    let attempts = 0;
    const cache = new ModelCache(2, async () => {
      attempts++;
      throw new Error('no such folder');
    });
    await expect(cache.use('x', 1, async () => 1)).rejects.toThrow('no such folder');
    await expect(cache.use('x', 1, async () => 1)).rejects.toThrow('no such folder');
    expect(attempts).toBe(2);
    expect(cache.keys()).toEqual([]);
  });
});

describe('TaskRegistry', () => {
  it('sends progress at most every interval, always the last one, and only for named tasks', async () => {
    const sent: TaskProgress[] = [];
    const tasks = new TaskRegistry((p) => sent.push(p), 50);
    const result = await tasks.run('t1', 'demo', async (task) => {
      for (let i = 1; i <= 5; i++) task.progress(`step ${i}`, i / 5);
      return 'done';
    });
    expect(result).toBe('done');
    expect(sent).toEqual([
      { taskId: 't1', method: 'demo', message: 'step 1', fraction: 0.2 },
      { taskId: 't1', method: 'demo', message: 'step 5', fraction: 1 },
    ]);
    await tasks.run(undefined, 'demo', async (task) => task.progress('unseen'));
    expect(sent).toHaveLength(2);
  });

  it('cancels a running task (CancelledError whatever the work throws) and refuses a duplicate id', async () => {
    const tasks = new TaskRegistry(() => {});
    const running = tasks.run('t', 'demo', (task) => new Promise((_, reject) => task.signal.addEventListener('abort', () => reject(new Error('stream closed')))));
    await expect(tasks.run('t', 'demo', async () => 1)).rejects.toMatchObject({ code: 'conflict' });
    expect(tasks.cancel('t')).toBe(true);
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(tasks.cancel('t')).toBe(false);
  });
});

describe('ApiLifecycle', () => {
  it('runs every closer once, last registered first, past a failing one', async () => {
    const order: string[] = [];
    const life = new ApiLifecycle();
    life.onClose(() => void order.push('first'));
    life.onClose(() => {
      order.push('failing');
      throw new Error('x');
    });
    life.onClose(async () => void order.push('last'));
    await Promise.all([life.close(), life.close()]);
    expect(order).toEqual(['last', 'failing', 'first']);
  });
});

function stats(nnz: number, max: number, cosine: number | null): HeadStatsForK {
  return {
    decoder_weight_frobenius_norm: 1,
    decoder_weight_mean_row_l2_norm: 1,
    decoder_bias_l2_norm: 1,
    logits_l2_mean: 1,
    splade_nnz_mean: nnz,
    splade_weight_mean: max / 2,
    splade_weight_max: max,
    splade_l1_mean: 1,
    logits_max_mean: 1,
    splade_cosine_mean: cosine,
  };
}

describe('suggestK', () => {
  it('picks the smallest k whose largest weight is within the bound, whatever the order given, and says why smaller ones fail', () => {
    const byK = { '1': stats(100, 5.2, 0.5), '4': stats(100, 3.4, 0.5), '16': stats(100, 2.1, 0.5), '64': stats(100, 0.9, 0.5) };
    const s = suggestK(1000, [64, 16, 4, 1], byK);
    expect(s.k).toBe(16);
    expect(s.checks.map((c) => [c.k, c.weightOk, c.meetsRule])).toEqual([
      [1, false, false],
      [4, false, false],
      [16, true, true],
      [64, true, true],
    ]);
    expect(s.reason).toBe('k=1: largest weight 5.2 > 3; k=4: largest weight 3.4 > 3; k=16: largest weight 2.1');
    expect(s.warnings).toEqual([]);
    expect(s.rule).toContain(`largest initial SPLADE weight is at most ${K_RULE_THRESHOLDS.maxWeight}`);
    expect(s.rule).toContain('50% of the vocabulary');
    expect(s.rule).toContain(`above ${K_RULE_THRESHOLDS.maxCosine}`);
    expect(suggestK(1000, [1, 4], { '1': stats(10, 2.5, 0.2), '4': stats(10, 1, 0.2) }).reason).toBe('k=1, the smallest candidate, already has largest weight 2.5');
  });

  it('suggests nothing when every weight is too large, and warns about saturation and look-alike texts', () => {
    const none = suggestK(1000, [1, 4], { '1': stats(600, 6, 0.95), '4': stats(600, 4.5, 0.93) });
    expect(none.k).toBeNull();
    expect(none.reason).toBe('no candidate qualifies (k=1: largest weight 6 > 3; k=4: largest weight 4.5 > 3): try larger k');
    expect(none.warnings).toEqual([
      '60% of the vocabulary is non-zero at every k: saturated vectors (the FLOPS regularizer has to make them sparse)',
      'different texts have a mean cosine of 0.93 at k=4: the model hardly tells them apart yet',
    ]);
    const empty = suggestK(1000, [2], { '2': stats(0, 0, null) });
    expect(empty.k).toBe(2);
    expect(empty.warnings).toEqual(['fewer than two texts have a non-zero vector: the texts cannot be compared']);
  });
});
