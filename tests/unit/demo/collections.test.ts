import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The committed demo collections against the SMART originals in data/, parsed here independently (plain
 * string handling, not the project's readers).
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const COLL = path.join(REPO, 'resources/demo/collections');

function jsonl(file: string): Record<string, unknown>[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

function beirQrels(file: string): [string, string, number][] {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  expect(lines[0]).toBe('query-id\tcorpus-id\tscore');
  return lines.slice(1).map((l) => {
    const [q, d, s] = l.split('\t');
    return [q!, d!, Number(s)];
  });
}

/** cranqrel: `query-position doc code` per line. */
const rawQrels: [string, string, number][] = fs
  .readFileSync(path.join(REPO, 'data/cranfield/cranqrel'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => {
    const [q, d, c] = l.trim().split(/\s+/);
    return [q!, d!, Number(c)];
  });

/** The `.W` text of each query in cran.qry, in file order (CRLF there). */
const rawQueries: string[] = fs
  .readFileSync(path.join(REPO, 'data/cranfield/cran.qry'), 'utf8')
  .replace(/\r/g, '')
  .split(/^\.I .*$/m)
  .slice(1)
  .map((rec) => rec.replace(/^\s*\.W\s*/, '').replace(/\s+/g, ' ').trim());

describe('demo collection cranfield', () => {
  const dir = path.join(COLL, 'cranfield');
  const train = beirQrels(path.join(dir, 'qrels/train.tsv'));
  const test = beirQrels(path.join(dir, 'qrels/test.tsv'));
  const queries = jsonl(path.join(dir, 'queries.jsonl'));

  it('holds every query, numbered by position as cranqrel numbers them', () => {
    expect(queries).toHaveLength(225);
    expect(rawQueries).toHaveLength(225);
    queries.forEach((q, i) => {
      expect(q._id).toBe(String(i + 1));
      expect(q.text).toBe(rawQueries[i]);
    });
  });

  it('splits the 225 queries 125 / 100 with no query on both sides', () => {
    const trainQ = new Set(train.map((r) => r[0]));
    const testQ = new Set(test.map((r) => r[0]));
    expect(trainQ.size).toBe(125);
    expect(testQ.size).toBe(100);
    for (const q of testQ) expect(trainQ.has(q)).toBe(false);
    const card = JSON.parse(fs.readFileSync(path.join(COLL, 'collections-card.json'), 'utf8')) as { cranfield: { testQueryIds: string[] } };
    expect(new Set(card.cranfield.testQueryIds)).toEqual(testQ);
  });

  it('keeps every judgement of the original, with gain = 5 - code and -1 as 0', () => {
    const gain = (c: number) => (c === -1 ? 0 : 5 - c);
    const expected = rawQrels.map(([q, d, c]) => `${q} ${d} ${gain(c)}`).sort();
    expect([...train, ...test].map((r) => r.join(' ')).sort()).toEqual(expected);
    expect(rawQrels).toHaveLength(1837);
  });

  it('has every document, the abstract without its repeated title', () => {
    const raw = fs.readFileSync(path.join(REPO, 'data/cranfield/cran.all.1400'), 'utf8').split(/^\.I /m).slice(1);
    const corpus = jsonl(path.join(dir, 'corpus.jsonl'));
    expect(corpus).toHaveLength(1400);
    // Document 1, by hand from cran.all.1400: the title, then the abstract that opens with it.
    expect(raw[0]).toContain('experimental investigation of the aerodynamics of a\nwing in a slipstream .');
    expect(corpus[0]).toMatchObject({ _id: '1', title: 'experimental investigation of the aerodynamics of a wing in a slipstream .' });
    expect(String(corpus[0]!.text).startsWith('an experimental study of a wing in a propeller slipstream')).toBe(true);
  });

  it('trains only on training queries and titles, never on a test query or a judged negative', () => {
    const triples = jsonl(path.join(dir, 'train-triples.jsonl'));
    const testQ = new Set(test.map((r) => r[0]));
    const testTexts = new Set(queries.filter((q) => testQ.has(String(q._id))).map((q) => q.text));
    const judged = new Map<string, Set<string>>();
    for (const [q, d] of [...train, ...test]) {
      if (!judged.has(q)) judged.set(q, new Set());
      judged.get(q)!.add(d);
    }
    // Positives: codes 1-3 of the training queries (raw data), then one per titled document (1398).
    const trainQ = new Set(train.map((r) => r[0]));
    const rawPositives = rawQrels.filter(([q, , c]) => trainQ.has(q) && c >= 1 && c <= 3).length;
    const fromQueries = triples.filter((t) => !String(t.queryId).startsWith('title:'));
    expect(fromQueries).toHaveLength(rawPositives);
    expect(triples.length - fromQueries.length).toBe(1398);
    for (const t of triples) {
      expect(testTexts.has(t.query)).toBe(false);
      expect(t.negatives).toHaveLength(2);
      const qid = String(t.queryId);
      if (!qid.startsWith('title:')) {
        expect(trainQ.has(qid)).toBe(true);
        for (const n of t.negativeIds as string[]) expect(judged.get(qid)!.has(n)).toBe(false);
      }
    }
  });
});

describe('demo collection med', () => {
  it('holds MEDLARS as judged in MED.REL', () => {
    const dir = path.join(COLL, 'med');
    expect(jsonl(path.join(dir, 'corpus.jsonl'))).toHaveLength(1033);
    expect(jsonl(path.join(dir, 'queries.jsonl'))).toHaveLength(30);
    const raw = fs
      .readFileSync(path.join(REPO, 'data/med/MED.REL'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const [q, , d, r] = l.trim().split(/\s+/);
        return `${q} ${d} ${r}`;
      });
    expect(beirQrels(path.join(dir, 'qrels/test.tsv')).map((r) => r.join(' ')).sort()).toEqual(raw.sort());
    expect(fs.existsSync(path.join(dir, 'SOURCE.md'))).toBe(true);
  });
});
