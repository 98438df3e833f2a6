import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLsr } from '../../helpers/run-cli.ts';

describe('lsr metrics', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-metrics-cli-'));
  const qrels = path.join(dir, 'qrels.tsv');
  const run = path.join(dir, 'run.txt');
  fs.writeFileSync(qrels, 'query-id\tcorpus-id\tscore\nq1\ta\t1\nq1\tb\t2\n');
  fs.writeFileSync(run, 'q1 Q0 b 1 2.0 t\nq1 Q0 c 2 1.0 t\n');

  it('prints the contract keys as JSON', async () => {
    const { status, out } = await runLsr(['metrics', '--qrels', qrels, '--run', run, '--json']);
    expect(status).toBe(0);
    const m = JSON.parse(out);
    expect(Object.keys(m).sort()).toEqual(['map', 'mrr@10', 'ndcg@10', 'queries', 'recall@100', 'recall@1000']);
    // b (grade 2) at rank 1; ideal 2/1 + 1/log2(3).
    expect(m['ndcg@10']).toBeCloseTo(2 / (2 + 1 / Math.log2(3)), 12);
    expect(m.map).toBe(0.5);
    expect(m.queries).toBe(1);
  });

  it('exits 2 naming the file and line of a bad run line', async () => {
    const bad = path.join(dir, 'bad.txt');
    fs.writeFileSync(bad, 'q1 Q0 b 1 2.0 t\nq1 Q0 c 2\n');
    const { status, err } = await runLsr(['metrics', '--qrels', qrels, '--run', bad]);
    expect(status).toBe(2);
    expect(err).toContain(`${bad}:2`);
  });
});
