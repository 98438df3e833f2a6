import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lsrIn } from '../../../helpers/run-cli.ts';
import { makeTempDir, writeTinyBert, type TinyCheckpoint } from '../../../helpers/tiny-checkpoint.ts';

const ADI = path.resolve(import.meta.dirname, '../../../../data/adi');
let home: string;
let ckpt: TinyCheckpoint;

beforeAll(async () => {
  home = makeTempDir('lsr-home-');
  ckpt = writeTinyBert({ seed: 5, tokenizer: 'bert-base-uncased', config: { max_position_embeddings: 48 } });
  const imported = await lsrIn(home, ['data', 'import', '--format', 'smart', ADI, '--name', 'adi']);
  expect(imported.status, imported.err).toBe(0);
});

type Vec = Record<string, number>;
function readVectors(file: string): Map<string, Vec> {
  const out = new Map<string, Vec>();
  for (const line of fs.readFileSync(file, 'utf8').trim().split('\n')) {
    const o = JSON.parse(line) as { id: string; vector: Vec };
    out.set(o.id, o.vector);
  }
  return out;
}

describe('lsr eval', () => {
  it('ranks exactly as brute-force dot products over the vectors `lsr encode` writes, and evaluates that run', async () => {
    const folder = path.join(home, 'datasets', 'adi');
    const corpus = fs.readFileSync(path.join(folder, 'corpus.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { _id: string; title: string; text: string });
    const queries = fs.readFileSync(path.join(folder, 'queries.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { _id: string; text: string });
    const docsIn = path.join(home, 'docs.jsonl');
    const queriesIn = path.join(home, 'queries.jsonl');
    fs.writeFileSync(docsIn, corpus.map((d) => JSON.stringify({ id: d._id, text: d.title === '' ? d.text : `${d.title} ${d.text}` })).join('\n'));
    fs.writeFileSync(queriesIn, queries.map((q) => JSON.stringify({ id: q._id, text: q.text })).join('\n'));
    const docsOut = path.join(home, 'docs.vec');
    const queriesOut = path.join(home, 'queries.vec');
    for (const [input, output] of [[docsIn, docsOut], [queriesIn, queriesOut]] as const) {
      const r = await lsrIn(home, ['encode', '--model', ckpt.dir, '--input', input, '--output', output, '--max-length', '32']);
      expect(r.status, r.err).toBe(0);
    }
    // The independent reference: every query against every document, float64 dot products, trec order.
    const docs = readVectors(docsOut);
    const refRun: string[] = [];
    for (const [qid, q] of readVectors(queriesOut)) {
      const scored = [...docs].map(([did, d]) => {
        let s = 0;
        for (const key in q) if (d[key] !== undefined) s += q[key]! * d[key]!;
        return { did, s };
      });
      scored.sort((a, b) => b.s - a.s || (a.did < b.did ? 1 : -1));
      scored.forEach((x, i) => refRun.push(`${qid} Q0 ${x.did} ${i + 1} ${x.s.toFixed(6)} ref`));
    }
    const refFile = path.join(home, 'ref.run');
    fs.writeFileSync(refFile, refRun.join('\n') + '\n');

    const runOut = path.join(home, 'lsr.run');
    const evaluated = await lsrIn(home, ['eval', '--model', ckpt.dir, '--dataset', 'adi', '--query-length', '32', '--doc-length', '32', '--run-out', runOut, '--json']);
    expect(evaluated.status, evaluated.err).toBe(0);
    const metrics = JSON.parse(evaluated.out) as Record<string, number>;

    // Same rankings (scores agree to float32 precision; ties aside, order too).
    const ranked = (file: string): Map<string, string[]> => {
      const m = new Map<string, string[]>();
      for (const line of fs.readFileSync(file, 'utf8').trim().split('\n')) {
        const [qid, , did] = line.split(' ');
        m.set(qid!, [...(m.get(qid!) ?? []), did!]);
      }
      return m;
    };
    const ours = ranked(runOut);
    const ref = ranked(refFile);
    expect(ours.size).toBe(35);
    for (const [qid, list] of ours) expect(list.slice(0, 10)).toEqual(ref.get(qid)!.slice(0, 10));

    const refMetrics = await lsrIn(home, ['metrics', '--qrels', path.join(folder, 'qrels', 'test.tsv'), '--run', refFile, '--json']);
    const expected = JSON.parse(refMetrics.out) as Record<string, number>;
    for (const key of ['ndcg@10', 'mrr@10', 'recall@100', 'map']) expect(metrics[key]).toBeCloseTo(expected[key]!, 6);
    expect(metrics.queries).toBe(35);
    expect(metrics.docs).toBe(82);
    // Efficiency figures from their definitions over the same vectors.
    const qv = readVectors(queriesOut);
    const meanNnz = (m: Map<string, Vec>): number => [...m.values()].reduce((s, v) => s + Object.keys(v).length, 0) / m.size;
    expect(metrics.query_nnz_mean).toBeCloseTo(meanNnz(qv), 9);
    expect(metrics.doc_nnz_mean).toBeCloseTo(meanNnz(docs), 9);
    const presence = (m: Map<string, Vec>): Map<string, number> => {
      const p = new Map<string, number>();
      for (const v of m.values()) for (const key in v) p.set(key, (p.get(key) ?? 0) + 1 / m.size);
      return p;
    };
    const pq = presence(qv);
    const pd = presence(docs);
    let flops = 0;
    for (const [key, p] of pq) flops += p * (pd.get(key) ?? 0);
    expect(metrics.flops).toBeCloseTo(flops, 6);
  });

  it('names a missing dataset and split', async () => {
    const r = await lsrIn(home, ['eval', '--model', ckpt.dir, '--dataset', 'nope']);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/--dataset.*no dataset named "nope"/);
    const s = await lsrIn(home, ['eval', '--model', ckpt.dir, '--dataset', 'adi', '--split', 'dev']);
    expect(s.status).toBe(2);
    expect(s.err).toMatch(/no split "dev" \(available: test\)/);
  });
});
