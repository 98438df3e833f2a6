import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateQuery, evaluateRun } from '../../../src/core/eval/metrics.ts';
import { readQrels } from '../../../src/core/eval/qrels.ts';
import { readRun, writeRun, type Run } from '../../../src/core/eval/run-file.ts';
import { TermPresence, sparsityStats } from '../../../src/core/eval/efficiency.ts';

// Hand-computed cases. q1's run, sorted as trec_eval sorts (score desc, then docid desc), is
// d3(0) d1(2) d4(-1) d6(0) d2(1) d7(0): the tie d6/d2 at score 2 goes to d6 (larger docid).
const q1Judged = new Map([
  ['d1', 2],
  ['d2', 1],
  ['d3', 0],
  ['d4', -1],
  ['d5', 3],
]);
const q1Run = [
  { docid: 'd3', score: 5 },
  { docid: 'd2', score: 2 },
  { docid: 'd1', score: 4 },
  { docid: 'd4', score: 3 },
  { docid: 'd6', score: 2 },
  { docid: 'd7', score: 1 },
];
// DCG = 2/log2(3) (d1 at rank 2) + 1/log2(6) (d2 at rank 5); ideal = 3/1 + 2/log2(3) + 1/log2(4).
const q1Ndcg = (2 / Math.log2(3) + 1 / Math.log2(6)) / (3 + 2 / Math.log2(3) + 1 / 2);

function tmp(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-metrics-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('evaluateQuery (trec_eval semantics)', () => {
  it('matches the hand-computed values, with ties broken by docid descending', () => {
    const m = evaluateQuery(q1Judged, q1Run)!;
    expect(m['ndcg@10']).toBeCloseTo(q1Ndcg, 12);
    expect(q1Ndcg).toBeCloseTo(0.3462329, 6);
    expect(m['mrr@10']).toBe(0.5);
    expect(m['recall@100']).toBeCloseTo(2 / 3, 12);
    expect(m['recall@1000']).toBeCloseTo(2 / 3, 12);
    // Relevant at ranks 2 and 5: (1/2 + 2/5) / 3 relevant.
    expect(m.map).toBeCloseTo(0.3, 12);
  });

  it('treats negative grades as not relevant and leaves them out of the ideal ranking', () => {
    const m = evaluateQuery(new Map([['a', -1], ['b', 1]]), [
      { docid: 'a', score: 2 },
      { docid: 'b', score: 1 },
    ])!;
    expect(m['ndcg@10']).toBeCloseTo(1 / Math.log2(3), 12);
    expect(m.map).toBe(0.5);
  });

  it('cuts nDCG and MRR at 10 and recall at 100 / 1000', () => {
    const docs = Array.from({ length: 1200 }, (_, i) => ({ docid: `x${String(i).padStart(4, '0')}`, score: 2000 - i }));
    // Relevant documents at ranks 11 and 150 and one never retrieved.
    const judged = new Map([
      [docs[10]!.docid, 1],
      [docs[149]!.docid, 1],
      ['missing', 1],
    ]);
    const m = evaluateQuery(judged, docs)!;
    expect(m['ndcg@10']).toBe(0);
    expect(m['mrr@10']).toBe(0);
    expect(m['recall@100']).toBeCloseTo(1 / 3, 12);
    expect(m['recall@1000']).toBeCloseTo(2 / 3, 12);
    expect(m.map).toBeCloseTo((1 / 11 + 2 / 150) / 3, 12);
  });

  it('returns undefined for a query without relevant documents', () => {
    expect(evaluateQuery(new Map([['a', 0], ['b', -1]]), [{ docid: 'a', score: 1 }])).toBeUndefined();
  });
});

describe('evaluateRun', () => {
  it('averages over the queries that have a relevant document and appear in the run', () => {
    const qrels = new Map([
      ['q1', q1Judged],
      ['q2', new Map([['d1', 0]])],
      ['q3', new Map([['d1', 1]])],
      ['q5', new Map([['z', 1]])],
    ]);
    const run: Run = new Map([
      ['q1', q1Run],
      ['q2', [{ docid: 'd1', score: 1 }]],
      ['q4', [{ docid: 'd1', score: 1 }]],
      ['q5', [{ docid: 'y', score: 3 }, { docid: 'z', score: 1 }]],
    ]);
    const { metrics, perQuery } = evaluateRun(qrels, run);
    expect(metrics.queries).toBe(2);
    expect([...perQuery.keys()]).toEqual(['q1', 'q5']);
    const q5Ndcg = 1 / Math.log2(3);
    expect(metrics['ndcg@10']).toBeCloseTo((q1Ndcg + q5Ndcg) / 2, 12);
    expect(metrics['mrr@10']).toBeCloseTo((0.5 + 0.5) / 2, 12);
    expect(metrics['recall@100']).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(metrics.map).toBeCloseTo((0.3 + 0.5) / 2, 12);
  });
});

describe('qrels and run files', () => {
  it('reads TREC and BEIR qrels (header, tabs, CRLF) alike', async () => {
    const trec = await readQrels(tmp('q.trec', '1 0 d1 2\r\n1 0 d2 0\r\n2 0 d1 1\r\n'));
    const beir = await readQrels(tmp('q.tsv', 'query-id\tcorpus-id\tscore\n1\td1\t2\n1\td2\t0\n2\td1\t1\n'));
    expect(beir).toEqual(trec);
    expect(trec.get('1')!.get('d1')).toBe(2);
  });

  it('names the file and line of a bad qrels line', async () => {
    const file = tmp('bad.tsv', '1 0 d1 1\n1 0 d2 x\n');
    await expect(readQrels(file)).rejects.toThrow(`${file}:2`);
    await expect(readQrels(tmp('dup.tsv', '1 0 d1 1\n1 0 d1 2\n'))).rejects.toThrow(/duplicate/);
  });

  it('writes and reads back a run with the same scores and order', async () => {
    const run: Run = new Map([['q1', [{ docid: 'a', score: 0.1 + 0.2 }, { docid: 'b', score: 1e-9 }]]]);
    const file = tmp('run.txt', '');
    await writeRun(file, run, 'test');
    expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe('q1 Q0 a 1 0.30000000000000004 test');
    expect(await readRun(file)).toEqual(run);
  });

  it('rejects a run that retrieves a document twice, naming the line', async () => {
    const file = tmp('dup.run', 'q Q0 a 1 2 t\nq Q0 a 2 1 t\n');
    await expect(readRun(file)).rejects.toThrow(`${file}:2`);
  });
});

describe('sparsity statistics', () => {
  it('computes mean nonzeros and FLOPS = Σ p_q p_d by hand', () => {
    const q = new TermPresence<string>();
    q.add(['a', 'b']);
    q.add(['a']);
    const d = new TermPresence<string>();
    d.add(['a', 'c', 'd']);
    d.add(['b']);
    d.add(['c']);
    d.add(['a', 'b']);
    const s = sparsityStats(q, d);
    expect(s.queryNnzMean).toBe(1.5);
    expect(s.docNnzMean).toBe(7 / 4);
    // a: p_q = 1, p_d = 2/4; b: p_q = 1/2, p_d = 2/4.
    expect(s.flops).toBeCloseTo(1 * 0.5 + 0.5 * 0.5, 12);
  });
});
