import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDatasetFolder } from '../../../src/core/data/dataset-folder.ts';
import { streamCorpus, streamQueries } from '../../../src/core/export/beir-stream.ts';
import { useTempHome } from '../../helpers/temp-home.ts';

const dir = useTempHome();

function beir(corpus: string, queries = '{"_id": "q1", "text": "q"}\n'): string {
  fs.writeFileSync(path.join(dir(), 'corpus.jsonl'), corpus);
  fs.writeFileSync(path.join(dir(), 'queries.jsonl'), queries);
  fs.mkdirSync(path.join(dir(), 'qrels'));
  fs.writeFileSync(path.join(dir(), 'qrels', 'test.tsv'), 'q1\td1\t1\n');
  return dir();
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}

describe('BEIR folders, loaded whole or streamed', () => {
  it('read the same records: numeric ids as strings, blank and CRLF lines, title optional and ignored for queries', async () => {
    const folder = beir('{"_id": 1, "title": "T", "text": "a"}\r\n\n{"_id": "d2", "text": "b"}\n', '{"_id": "q1", "text": "q", "title": 5}\n');
    const loaded = await loadDatasetFolder(folder);
    expect([...loaded.corpus]).toEqual([
      ['1', { title: 'T', text: 'a' }],
      ['d2', { title: '', text: 'b' }],
    ]);
    expect([...loaded.queries]).toEqual([['q1', 'q']]);
    const file = path.join(folder, 'corpus.jsonl');
    expect(await collect(streamCorpus(folder))).toEqual([
      { id: '1', text: 'T a', file, line: 1 },
      { id: 'd2', text: 'b', file, line: 3 },
    ]);
    expect((await collect(streamQueries(folder))).map((q) => q.text)).toEqual(['q']);
  });

  it('name the file, line and field of a bad line, and a repeated id', async () => {
    const cases: [string, string][] = [
      ['{"_id": "d"}\n', 'corpus.jsonl:1, field "text": expected a string'],
      ['{"_id": "d", "title": 3, "text": "a"}\n', 'corpus.jsonl:1, field "title": expected a string'],
      ['[1]\n', 'corpus.jsonl:1: expected a JSON object'],
      ['{"_id": "d", "text": "a"}\n{oops\n', 'corpus.jsonl:2: not valid JSON'],
      ['{"_id": "d", "text": "a"}\n{"_id": "d", "text": "b"}\n', 'corpus.jsonl:2: duplicate document id "d"'],
    ];
    for (const [corpus, message] of cases) {
      fs.rmSync(dir(), { recursive: true, force: true });
      fs.mkdirSync(dir());
      const folder = beir(corpus);
      await expect(loadDatasetFolder(folder)).rejects.toThrow(message);
      await expect(collect(streamCorpus(folder))).rejects.toThrow(message);
    }
    fs.rmSync(dir(), { recursive: true, force: true });
    fs.mkdirSync(dir());
    const folder = beir('{"_id": "d1", "text": "a"}\n', '{"_id": "q1", "text": "q"}\n{"_id": "q1", "text": "r"}\n');
    await expect(loadDatasetFolder(folder)).rejects.toThrow('queries.jsonl:2: duplicate query id "q1"');
    await expect(collect(streamQueries(folder))).rejects.toThrow('queries.jsonl:2: duplicate query id "q1"');
  });
});
