import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../../src/core/data/import-dataset.ts';
import { loadDatasetFolder } from '../../../src/core/data/dataset-folder.ts';
import { CancelledError, InputError } from '../../../src/core/errors.ts';

const repo = path.resolve(import.meta.dirname, '../../..');
const tmpRoot = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-import-'));

function write(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('SMART (Glasgow) collections', () => {
  it('imports Cranfield: 1400 documents, 225 queries numbered by position, graded qrels kept as they are', async () => {
    const dest = path.join(tmpRoot(), 'cran');
    const rec = await importDataset('smart', path.join(repo, 'data/cranfield'), dest, { name: 'cranfield' });
    expect(rec).toMatchObject({ docs: 1400, queries: 225, splits: { test: 1837 }, skippedLines: 0, trainingExamples: 0 });
    const data = await loadDatasetFolder(dest, 'test');
    // cran.qry's third record is ".I 004"; cranqrel calls it query 3.
    const third = fs.readFileSync(path.join(dest, 'queries.jsonl'), 'utf8').split('\n')[2]!;
    expect(JSON.parse(third)).toEqual({
      _id: '3',
      text: 'what problems of heat conduction in composite slabs have been solved so far .',
      metadata: { smart_id: '4' },
    });
    expect(data.qrels.get('1')!.get('184')).toBe(2);
    const grades = new Map<number, number>();
    for (const docs of data.qrels.values()) for (const g of docs.values()) grades.set(g, (grades.get(g) ?? 0) + 1);
    expect(Object.fromEntries(grades)).toEqual({ '-1': 225, 1: 128, 2: 387, 3: 734, 4: 363 });
    expect(data.corpus.get('1')!.title).toBe('experimental investigation of the aerodynamics of a wing in a slipstream .');
    expect(data.corpus.get('1')!.text.startsWith('experimental investigation of the aerodynamics of a wing in a slipstream . an experimental study')).toBe(true);
    expect(fs.readFileSync(path.join(dest, 'corpus.jsonl'), 'utf8')).not.toContain('\\r');
  });

  it('imports ADI (CRLF, old relevance layout) and MED (TREC-like relevance) with their published counts', async () => {
    const root = tmpRoot();
    const adi = await importDataset('smart', path.join(repo, 'data/adi'), path.join(root, 'adi'), { name: 'adi' });
    expect(adi).toMatchObject({ docs: 82, queries: 35, splits: { test: 170 }, skippedLines: 0 });
    const med = await importDataset('smart', path.join(repo, 'data/med'), path.join(root, 'med'), { name: 'med' });
    expect(med).toMatchObject({ docs: 1033, queries: 30, splits: { test: 696 }, skippedLines: 0 });
    const data = await loadDatasetFolder(path.join(root, 'adi'));
    // ADI.REL "1   17   0   0.000000": query 1, document 17, relevant.
    expect(data.qrels.get('1')!.get('17')).toBe(1);
    expect([...data.corpus.values()].every((d) => !d.text.includes('\r') && !d.title.includes('\r'))).toBe(true);
  });
});

describe('BEIR', () => {
  const corpusLine = (i: number): string => JSON.stringify({ _id: `d${i}`, title: `t${i}`, text: `text ${i}` });

  it('round-trips a normalized folder, and skips (reports, counts) a malformed line', async () => {
    const src = tmpRoot();
    const lines = Array.from({ length: 150 }, (_, i) => corpusLine(i));
    lines.splice(5, 0, '{"_id": "broken", "text": 3}');
    write(src, {
      'corpus.jsonl': lines.join('\r\n') + '\r\n',
      'queries.jsonl': '{"_id": "q1", "text": "first"}\n{"_id": 2, "text": "second"}\n',
      'qrels/test.tsv': 'query-id\tcorpus-id\tscore\nq1\td1\t1\n2\td2\t2\n',
      'qrels/dev.tsv': 'q1\td3\t1\n',
    });
    const issues: string[] = [];
    const dest = path.join(tmpRoot(), 'b');
    const rec = await importDataset('beir', src, dest, { name: 'b', onIssue: (i) => issues.push(`${i.file}:${i.line}: ${i.message}`) });
    expect(rec).toMatchObject({ docs: 150, queries: 2, splits: { test: 2, dev: 1 }, skippedLines: 1 });
    expect(issues).toEqual([`${path.join(src, 'corpus.jsonl')}:6: field "text": expected a string`]);
    const again = await importDataset('beir', dest, path.join(tmpRoot(), 'c'), { name: 'c' });
    expect(again).toMatchObject({ docs: 150, queries: 2, splits: { test: 2, dev: 1 }, skippedLines: 0 });
    const data = await loadDatasetFolder(dest, 'test');
    expect(data.qrels.get('2')!.get('d2')).toBe(2);
    expect(data.corpus.get('d7')).toEqual({ title: 't7', text: 'text 7' });
  });

  it('fails without writing anything when more than 1% of a file is malformed, or when files are missing', async () => {
    const src = write(tmpRoot(), {
      'corpus.jsonl': [corpusLine(1), 'not json', corpusLine(2)].join('\n'),
      'queries.jsonl': '{"_id": "q1", "text": "x"}\n',
      'qrels/test.tsv': 'q1\td1\t1\n',
    });
    const parent = tmpRoot();
    await expect(importDataset('beir', src, path.join(parent, 'x'), { name: 'x' })).rejects.toThrow(/1 of 3 lines are malformed/);
    expect(fs.readdirSync(parent)).toEqual([]);
    fs.rmSync(path.join(src, 'queries.jsonl'));
    await expect(importDataset('beir', src, path.join(parent, 'x'), { name: 'x' })).rejects.toThrow(InputError);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it('stops on cancellation and leaves nothing behind', async () => {
    const src = write(tmpRoot(), {
      'corpus.jsonl': corpusLine(1) + '\n',
      'queries.jsonl': '{"_id": "q1", "text": "x"}\n',
      'qrels/test.tsv': 'q1\td1\t1\n',
    });
    const parent = tmpRoot();
    const controller = new AbortController();
    controller.abort();
    await expect(importDataset('beir', src, path.join(parent, 'x'), { name: 'x', signal: controller.signal })).rejects.toThrow(CancelledError);
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});

describe('TREC and MS MARCO', () => {
  it('reads SGML documents, topics and qrels', async () => {
    const src = write(tmpRoot(), {
      'docs/fr1.txt':
        '<DOC>\n<DOCNO> FR1-1 </DOCNO>\n<HEADLINE>Oil &amp; gas</HEADLINE>\n<TEXT>\nPrices rose.\n</TEXT>\n</DOC>\n' +
        '<DOC><DOCNO>FR1-2</DOCNO><TEXT>Second <B>one</B>.</TEXT></DOC>\n<DOC>\n<TEXT>no docno</TEXT>\n</DOC>\n',
      'topics.301': '<top>\n<num> Number: 301\n<title> International Organized Crime\n\n<desc> Description:\nIdentify organizations.\n</top>\n',
      'qrels.txt': '301 0 FR1-1 1\n301 0 FR1-2 0\n',
    });
    const issues: string[] = [];
    const dest = path.join(tmpRoot(), 't');
    const rec = await importDataset('trec', src, dest, { name: 't', maxMalformedFraction: 0.5, onIssue: (i) => issues.push(`${path.basename(i.file)}:${i.line}: ${i.message}`) });
    expect(rec).toMatchObject({ docs: 2, queries: 1, splits: { test: 2 }, skippedLines: 1 });
    expect(issues).toEqual(['fr1.txt:9: document without a <DOCNO>']);
    const data = await loadDatasetFolder(dest);
    expect(data.corpus.get('FR1-1')).toEqual({ title: 'Oil & gas', text: 'Prices rose.' });
    expect(data.corpus.get('FR1-2')).toEqual({ title: '', text: 'Second one .' });
    expect(data.queries.get('301')).toBe('International Organized Crime');
  });

  it('reads the MS MARCO toy files (text triples) and resolves id triples through the collection', async () => {
    const toy = await importDataset('msmarco', path.join(repo, 'data/msmarco-splade-toy'), path.join(tmpRoot(), 'toy'), { name: 'toy' });
    expect(toy).toMatchObject({ docs: 89, queries: 0, trainingExamples: 100, skippedLines: 0 });
    const src = write(tmpRoot(), {
      'collection.tsv': '0\tpassage zero\n1\tpassage one\n2\tpassage two\n',
      'queries.train.tsv': '10\twhat is one\n',
      'qrels.train.tsv': '10\t0\t1\t1\n',
      'triples.train.ids.tsv': '10\t1\t2\n10\t1\t0\n',
    });
    const dest = path.join(tmpRoot(), 'ids');
    const rec = await importDataset('msmarco', src, dest, { name: 'ids' });
    expect(rec).toMatchObject({ docs: 3, queries: 1, splits: { train: 1 }, trainingExamples: 2 });
    const first = JSON.parse(fs.readFileSync(path.join(dest, 'train-triples.jsonl'), 'utf8').split('\n')[0]!);
    expect(first).toEqual({ query: 'what is one', positive: 'passage one', negatives: ['passage two'], queryId: '10', positiveId: '1', negativeIds: ['2'] });
  });
});
