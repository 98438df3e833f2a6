import { describe, expect, it } from 'vitest';
import { EnglishAnalyzer, standardTokens } from '../../../src/core/bm25/english-analyzer.ts';
import { Bm25Index, bm25Idf } from '../../../src/core/bm25/bm25-index.ts';

describe('EnglishAnalyzer', () => {
  const analyzer = new EnglishAnalyzer();

  it('tokenizes like StandardTokenizer on common cases', () => {
    expect(standardTokens("U.S.A. costs 3.14 or 1,000 dollars; don't e-mail foo_bar")).toEqual([
      'U.S.A',
      'costs',
      '3.14',
      'or',
      '1,000',
      'dollars',
      "don't",
      'e',
      'mail',
      'foo_bar',
    ]);
  });

  it('removes possessives and stop words, lowercases and Porter-stems', () => {
    // Porter (1980): toys → toy → toi (step 1c), quickly → quickli, running → run, relational → relat.
    expect(analyzer.analyze("The cat's toys, running quickly into THE relational Database!")).toEqual([
      'cat',
      'toi',
      'run',
      'quickli',
      'relat',
      'databas',
    ]);
    expect(analyzer.analyze('a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with')).toEqual(
      [],
    );
  });
});

describe('BM25 (Lucene formula, k1 = 0.9, b = 0.4)', () => {
  // Two-letter tokens are neither stop words nor stemmed, so the analyzed text is the text itself.
  const docs: [string, string][] = [
    ['d1', 'aa bb aa'],
    ['d2', 'bb cc'],
    ['d3', 'cc cc cc dd'],
  ];

  it('matches scores computed by hand from the definition', () => {
    const index = Bm25Index.build(docs);
    // N = 3, avgdl = (3 + 2 + 4) / 3 = 3.
    const idfAa = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5)); // 0.980829
    const idfCc = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5)); // 0.470004
    const d1 = (idfAa * 2) / (2 + 0.9 * (1 - 0.4 + (0.4 * 3) / 3));
    const d3 = (idfCc * 3) / (3 + 0.9 * (1 - 0.4 + (0.4 * 4) / 3));
    const d2 = (idfCc * 1) / (1 + 0.9 * (1 - 0.4 + (0.4 * 2) / 3));
    expect(d1).toBeCloseTo(0.676434, 6);
    expect(d3).toBeCloseTo(0.350749, 6);
    expect(d2).toBeCloseTo(0.264047, 6);
    const hits = index.search('aa cc');
    expect(hits.map((h) => h.docid)).toEqual(['d1', 'd3', 'd2']);
    expect(hits[0]!.score).toBeCloseTo(d1, 6);
    expect(hits[1]!.score).toBeCloseTo(d3, 6);
    expect(hits[2]!.score).toBeCloseTo(d2, 6);
    expect(bm25Idf(3, 1)).toBeCloseTo(idfAa, 12);
  });

  it('counts a repeated query term twice and ignores unknown terms', () => {
    const index = Bm25Index.build(docs);
    const once = index.search('cc')[0]!;
    const twice = index.search('cc cc zz')[0]!;
    expect(twice.docid).toBe(once.docid);
    expect(twice.score).toBeCloseTo(2 * once.score, 6);
  });
});
