import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLsr } from '../../../helpers/run-cli.ts';
import { Rng } from '../../../../src/core/train/rng.ts';
import { bruteForce, idFor, randomVectors, type Vec } from '../../retrieval/random-vectors.ts';

function writeJsonl(file: string, ids: string[], vectors: Vec[]): void {
  fs.writeFileSync(file, vectors.map((v, i) => JSON.stringify({ id: ids[i], nnz: Object.keys(v).length, vector: v })).join('\n') + '\n');
}

describe('lsr bench search', () => {
  it('prints the contract keys, searches on the threads asked for, and writes the brute-force ranking', async () => {
    const rng = new Rng(31);
    const dyadic = (): number => (1 + rng.int(8)) / 4;
    const docs = randomVectors(rng, 600, [10, 30], 500, dyadic);
    const ids = docs.map((_, i) => idFor(i));
    const queries = randomVectors(rng, 12, [3, 10], 500, dyadic);
    const qids = queries.map((_, i) => `q${i}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-bench-search-'));
    const docsFile = path.join(dir, 'docs.jsonl');
    const queriesFile = path.join(dir, 'queries.jsonl');
    const runFile = path.join(dir, 'run.trec');
    writeJsonl(docsFile, ids, docs);
    writeJsonl(queriesFile, qids, queries);

    const r = await runLsr(['bench', 'search', '--docs', docsFile, '--queries', queriesFile, '--k', '15', '--repeat', '1', '--threads', '2', '--run-out', runFile]);
    expect(r.status, r.err).toBe(0);
    const out = JSON.parse(r.out.trim()) as Record<string, unknown>;
    // The contract's keys, in its order, then ours.
    expect(Object.keys(out).slice(0, 6)).toEqual(['docs', 'queries', 'k', 'build_s', 'search_s_median', 'queries_per_s']);
    expect(out).toMatchObject({ docs: 600, queries: 12, k: 15, threads: 2, identical_results: true });
    for (const key of ['build_s', 'search_s_median', 'queries_per_s', 'single_thread_queries_per_s', 'threads_start_s']) expect(typeof out[key]).toBe('number');

    const lines = fs.readFileSync(runFile, 'utf8').trim().split('\n');
    const expected = qids.flatMap((qid, i) => bruteForce(docs, ids, queries[i]!, 15).map((d, rank) => `${qid} Q0 ${d.docid} ${rank + 1} ${d.score} lsr`));
    expect(lines).toEqual(expected);

    const bad = await runLsr(['bench', 'search', '--docs', docsFile, '--queries', queriesFile, '--threads', '0']);
    expect(bad.status).toBe(2);
  });
});
