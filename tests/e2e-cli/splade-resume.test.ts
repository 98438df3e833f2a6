import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/core/store/process-liveness.ts';
import { writeTinyBert } from '../helpers/tiny-checkpoint.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { importAdi, jsonLines, lsr, spawnLsr, storedSeries, waitFor, withStore, withoutTiming, writeConfig } from './helpers.ts';

/*
 * Resume exactness with the real SPLADE executor: a run killed with SIGKILL right after a checkpoint, marked
 * interrupted by the next command and resumed, records exactly the series (every metric but wall-clock
 * timings), evaluations and final weights of the same config trained without interruption. The tiny BERT
 * keeps its dropout (0.1), so this also holds the dropout masks to the run's seed. It trains on two worker
 * threads (data-parallel replicas), whose weights and optimizer state come back for every checkpoint.
 */

const STEPS = 10;
const EVERY = 3;

let home: string;
let cleanup: () => void;
let base: ReturnType<typeof writeTinyBert>;
let config: string;
const pids: number[] = [];
beforeAll(async () => {
  ({ home, cleanup } = tempHome());
  base = writeTinyBert({ seed: 8, untied: true });
  await importAdi(home);
  config = writeConfig(home, 'resume', {
    dataset: 'adi',
    k: 4,
    seed: 11,
    steps: STEPS,
    checkpointEvery: EVERY,
    evalEvery: 4,
    backend: 'wasm',
    // Two data-parallel workers (auto would pick one for batches this small): resuming must be exact there too.
    train: { split: 'test', batchSize: 4, maxDocLength: 32, maxQueryLength: 12, lr: 1e-3, warmupSteps: 2, evalQueries: 4, evalMaxDocs: 16, workers: 2 },
  });
});
afterAll(() => {
  for (const pid of pids) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  cleanup();
  fs.rmSync(base.dir, { recursive: true, force: true });
});

function evaluationsOf(runId: string): { step: number; metrics: Record<string, number> }[] {
  return withStore(home, (s) =>
    s.evaluations.list(runId).map((e) => {
      const { query_ms_mean: _timing, ...metrics } = e.metrics;
      return { step: e.step, metrics };
    }),
  );
}

describe('lsr runs resume with the SPLADE executor', () => {
  it('after kill -9 following a checkpoint, the resumed run equals the uninterrupted one exactly', async () => {
    const follower = spawnLsr(home, ['train', '--config', config, '--model', base.dir, '--name', 'killed', '--json']);
    pids.push(follower.pid!);
    let stderr = '';
    follower.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let runId = '';
    let trainerPid = 0;
    // The first checkpoint registered in the store is the moment to kill (polling, no sleeps).
    await waitFor(
      `a first checkpoint (${stderr})`,
      () =>
        withStore(home, (s) => {
          const run = s.runs.list()[0];
          if (!run || run.pid === null) return false;
          runId = run.id;
          trainerPid = run.pid;
          return s.checkpoints.list(run.id).length > 0;
        }),
      120_000,
    );
    pids.push(trainerPid);
    follower.kill('SIGKILL');
    await new Promise((r) => follower.on('exit', r));
    process.kill(trainerPid, 'SIGKILL');
    await waitFor('the training process to die', () => !isProcessAlive(trainerPid));

    const before = withStore(home, (s) => ({ run: s.runs.require(runId), checkpoints: s.checkpoints.list(runId).map((c) => c.step) }));
    expect(before.run.status).toBe('running');
    const lastCheckpoint = before.checkpoints.at(-1)!;
    expect(lastCheckpoint).toBeLessThan(STEPS);
    // Nothing recorded up to the checkpoint is lost.
    expect(storedSeries(home, runId).loss!.map(([step]) => step).slice(0, lastCheckpoint)).toEqual(
      Array.from({ length: lastCheckpoint }, (_, i) => i + 1),
    );

    const shown = JSON.parse((await lsr(home, ['runs', 'show', runId, '--json'])).stdout) as { status: string; reason: string };
    expect(shown.status).toBe('interrupted');
    expect(shown.reason).toContain(`pid ${trainerPid}`);

    const resumed = await lsr(home, ['runs', 'resume', runId, '--json']);
    expect(resumed.status, resumed.stderr).toBe(0);
    const events = jsonLines(resumed.stdout);
    expect(events[0]).toMatchObject({ event: 'start', run: runId, startStep: lastCheckpoint });
    expect(events.at(-1)).toEqual({ event: 'end', run: runId, status: 'finished' });

    const straight = await lsr(home, ['train', '--config', config, '--model', base.dir, '--name', 'straight']);
    expect(straight.status, straight.stderr).toBe(0);
    const straightId = straight.stdout.trim().split('\n').at(-1)!;

    const a = withoutTiming(storedSeries(home, runId));
    const b = withoutTiming(storedSeries(home, straightId));
    expect(a.loss!.map(([step]) => step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const name of ['loss', 'rank', 'flops_q', 'flops_d', 'lr', 'grad_norm', 'd_nnz_mean', 'decoder_norm', 'eval/ndcg@10']) {
      expect(Object.keys(a)).toContain(name);
    }
    for (const name of Object.keys(b)) expect(a[name], name).toEqual(b[name]);
    expect(evaluationsOf(runId)).toEqual(evaluationsOf(straightId));
    expect(evaluationsOf(runId).map((e) => e.step)).toEqual([4, 8, STEPS]);

    const history = withStore(home, (s) => s.runs.history(runId).map((h) => h.to));
    expect(history).toEqual(['queued', 'running', 'interrupted', 'queued', 'running', 'finished']);
    const steps = (id: string) => withStore(home, (s) => s.checkpoints.list(id).map((c) => c.step));
    expect(steps(runId)).toEqual([3, 6, 9, 10]);
    expect(steps(straightId)).toEqual([3, 6, 9, 10]);
    // The final weights, optimizer state and collapse counters are byte for byte the same.
    const final = (id: string, file: string) => fs.readFileSync(path.join(withStore(home, (s) => s.checkpoints.list(id).at(-1)!.path), file));
    for (const file of ['model.safetensors', 'optimizer.safetensors']) expect(final(runId, file).equals(final(straightId, file)), file).toBe(true);
    expect(JSON.parse(final(runId, 'trainer_state.json').toString())).toEqual(JSON.parse(final(straightId, 'trainer_state.json').toString()));
  });
});
