import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../../src/core/store/process-liveness.ts';
import { tempHome } from '../../helpers/temp-home.ts';
import { jsonLines, lsr, spawnLsr, storedSeries, waitFor, walkReference, withStore } from './helpers.ts';

let home: string;
let cleanup: () => void;
let pids: number[] = [];
beforeEach(() => ({ home, cleanup } = tempHome()));
afterEach(() => {
  for (const pid of pids) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  pids = [];
  cleanup();
});

const CONFIG = ['--kind', 'test-walk', '--model', 'm', '--dataset', 'toy', '--k', '3', '--seed', '11', '--steps', '40', '--checkpoint-every', '10'];

describe('lsr runs resume', () => {
  it('after kill -9 the run is interrupted on the next start, and resuming it gives the uninterrupted series exactly', async () => {
    // The walk stops making progress after step 25 (between its checkpoints at 20 and 30), so the kill lands there.
    const follower = spawnLsr(home, ['train', ...CONFIG, '--name', 'killed', '--json'], { LSR_TEST_WALK_HANG_AFTER: '25' });
    pids.push(follower.pid!);
    let stderr = '';
    follower.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let runId = '';
    let trainerPid = 0;
    await waitFor(`step 25 to reach the database (${stderr})`, () =>
      withStore(home, (s) => {
        const run = s.runs.list()[0];
        if (!run) return false;
        runId = run.id;
        trainerPid = run.pid ?? 0;
        return run.lastStep === 25;
      }),
    );
    pids.push(trainerPid);
    // Kill the follower first, so nothing but the next start can notice the dead training process.
    follower.kill('SIGKILL');
    await new Promise((r) => follower.on('exit', r));
    process.kill(trainerPid, 'SIGKILL');
    await waitFor('the training process to die', () => !isProcessAlive(trainerPid));
    expect(withStore(home, (s) => s.runs.require(runId).status)).toBe('running');
    expect(storedSeries(home, runId).walk.map(([step]) => step).at(-1)).toBe(25);

    const shown = await lsr(home, ['runs', 'show', runId, '--json']);
    const summary = JSON.parse(shown.stdout) as { status: string; reason: string; checkpoints: { step: number }[] };
    expect(summary.status).toBe('interrupted');
    expect(summary.reason).toContain(`pid ${trainerPid}`);
    expect(summary.checkpoints.map((c) => c.step)).toEqual([10, 20]);

    const resumed = await lsr(home, ['runs', 'resume', 'killed', '--json']);
    expect(resumed.status).toBe(0);
    const events = jsonLines(resumed.stdout);
    expect(events[0]).toMatchObject({ event: 'start', run: runId, startStep: 20 });
    expect(events.at(-1)).toEqual({ event: 'end', run: runId, status: 'finished' });

    const straight = await lsr(home, ['train', ...CONFIG, '--name', 'straight']);
    expect(straight.status).toBe(0);
    const straightId = straight.stdout.trim().split('\n').at(-1)!;

    const a = storedSeries(home, runId);
    const b = storedSeries(home, straightId);
    expect(Object.keys(a)).toEqual(['loss', 'u', 'walk']);
    expect(a).toEqual(b);
    const ref = walkReference(11, 3, 40);
    expect(a.walk).toEqual(ref.steps.map((s, i) => [s, ref.walk[i]]));
    const history = withStore(home, (s) => s.runs.history(runId).map((h) => h.to));
    expect(history).toEqual(['queued', 'running', 'interrupted', 'queued', 'running', 'finished']);
    expect(withStore(home, (s) => s.checkpoints.list(runId).map((c) => c.step))).toEqual([10, 20, 30, 40]);
  });

  it('refuses a finished run (exit 2) and resumes a cancelled run without a checkpoint from step 0', async () => {
    const done = await lsr(home, ['train', ...CONFIG, '--steps', '2']);
    const doneId = done.stdout.trim();
    const again = await lsr(home, ['runs', 'resume', doneId]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('is finished; only a cancelled, interrupted or queued run can be resumed');

    const queued = withStore(home, (s) => {
      const run = s.runs.create({ name: 'never-started', config: { kind: 'test-walk', model: 'm', dataset: 'toy', k: 2, seed: 5, steps: 4, train: {} } });
      s.runs.requestCancel(run.id);
      return run.id;
    });
    const orphan = withStore(home, (s) => {
      const run = s.runs.create({ name: 'orphan', config: { kind: 'gone', model: 'm', dataset: 'toy', k: 1, seed: 1, train: {} } });
      return s.runs.requestCancel(run.id).run.id;
    });
    const refused = await lsr(home, ['runs', 'resume', 'orphan']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('no executor for kind "gone"');
    expect(withStore(home, (s) => s.runs.require(orphan).status)).toBe('cancelled');

    const r = await lsr(home, ['runs', 'resume', 'never-started']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('no checkpoint, starting from step 0');
    expect(r.stdout.trim()).toBe(queued);
    expect(storedSeries(home, queued).walk.map(([, v]) => v)).toEqual(walkReference(5, 2, 4).walk);
  });
});
