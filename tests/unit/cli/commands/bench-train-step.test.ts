import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../src/cli/main.ts';

async function lsr(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  const io = { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), stdin: new PassThrough() };
  const status = await runCli(argv, io, new AbortController().signal);
  return { status, stdout, stderr };
}

const TINY = ['--layers', '1', '--hidden', '8', '--heads', '2', '--ffn', '16', '--vocab', '200', '--batch', '4', '--qlen', '6', '--dlen', '10'];

describe('lsr bench train-step', () => {
  for (const workers of ['1', '2']) {
    it(`prints the contract's JSON line (workers ${workers})`, async () => {
      const { status, stdout } = await lsr('bench', 'train-step', ...TINY, '--steps', '3', '--warmup', '1', '--backend', 'wasm', '--workers', workers);
      expect(status).toBe(0);
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const r = JSON.parse(lines[0]!) as Record<string, unknown>;
      expect(Object.keys(r)).toEqual(['step_s_median', 'step_s_min', 'tokens_per_s', 'peak_rss_mb', 'backend', 'workers', 'settings']);
      expect(r.backend).toBe('wasm');
      expect(r.workers).toBe(Number(workers));
      const s = r.settings as Record<string, number>;
      expect(s).toMatchObject({ layers: 1, hidden: 8, heads: 2, ffn: 16, vocab: 200, batch: 4, qlen: 6, dlen: 10, steps: 3, warmup: 1 });
      const median = r.step_s_median as number;
      expect(median).toBeGreaterThan(0);
      expect(r.step_s_min as number).toBeLessThanOrEqual(median);
      // Token positions, padding included, as the anchor counts them: batch · (qlen + dlen) per step.
      // step_s_median is printed to 1e-4 s while tokens_per_s comes from the unrounded median: allow that rounding.
      const expected = (4 * 16) / median;
      const roundingSlack = expected * (0.5e-4 / median) + 0.05;
      expect(Math.abs((r.tokens_per_s as number) - expected)).toBeLessThanOrEqual(roundingSlack);
      expect(r.peak_rss_mb as number).toBeGreaterThan(10);
    });
  }

  it('refuses bad flags with exit 2, naming the flag', async () => {
    const { status, stderr } = await lsr('bench', 'train-step', '--hidden', '10', '--heads', '3');
    expect(status).toBe(2);
    expect(stderr).toContain('--hidden');
    const zero = await lsr('bench', 'train-step', '--steps', '0');
    expect(zero.status).toBe(2);
    expect(zero.stderr).toContain('--steps');
  });
});
