import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import { exportAnserini } from '../../../src/core/export/anserini-export.ts';
import { impactQueryLine, jsonVectorLine, quantizeVector } from '../../../src/core/export/quantize.ts';
import { CancelledError } from '../../../src/core/errors.ts';
import { loadMaskedLm } from '../../../src/core/models/load.ts';
import { SpladeEncoder } from '../../../src/core/splade/encoder.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { loadTokenizer } from '../../../src/core/tokenize/load-tokenizer.ts';
import { referenceBert, referenceSplade } from '../../helpers/reference-mlm.ts';
import { makeTempDir, writeTinyBert, type TinyCheckpoint } from '../../helpers/tiny-checkpoint.ts';

const VOCAB = fs.readFileSync(path.resolve(import.meta.dirname, '../../fixtures/tokenizers/bert-base-uncased/vocab.txt'), 'utf8').split('\n');

describe('quantization (hand-checked)', () => {
  const tokens: Record<number, string> = { 1: 'a', 2: 'b', 3: 'c', 4: 'd', 5: 'e', 6: 'f', 7: 'twin', 8: 'twin', 9: 'has space' };
  const tokenOf = (id: number): string | undefined => tokens[id];

  it('round(w × 100), halves up, zeros after rounding dropped, token strings as keys', () => {
    // Float32 weights: 0.00390625 → 0.390625 → 0; fround(0.005) = 0.004999999888… → 0.4999… → 0;
    // 0.0625 → 6.25 → 6; 0.125 → 12.5 → 13; 1.5 → 150; fround(0.015) = 0.014999999664… → 1.4999… → 1.
    const w = Float32Array.from([0.00390625, 0.005, 0.0625, 0.125, 1.5, 0.015]);
    const q = quantizeVector([1, 2, 3, 4, 5, 6], w, 100, tokenOf);
    expect([...q.terms]).toEqual([
      ['c', 6],
      ['d', 13],
      ['e', 150],
      ['f', 1],
    ]);
    expect(q.whitespaceDropped).toBe(0);
  });

  it('the factor is configurable; equal token strings add up; whitespace tokens and unnamed ids', () => {
    // factor 10: 0.25 → 2.5 → 3; 0.0625 → 0.625 → 1; 0.125 → 1.25 → 1.
    const q = quantizeVector([3, 7, 8, 9, 42], Float32Array.from([0.25, 0.0625, 0.125, 2, 0.5]), 10, tokenOf);
    expect([...q.terms]).toEqual([
      ['c', 3],
      ['twin', 2],
      ['[id:42]', 5],
    ]);
    expect(q.whitespaceDropped).toBe(1);
  });

  it('a JsonVectorCollection line and an impact query line', () => {
    const terms = new Map([
      ['the', 2],
      ['##s', 1],
      ['"q"', 3],
    ]);
    expect(jsonVectorLine('d1', 'Title body "x"', terms)).toBe('{"id":"d1","contents":"Title body \\"x\\"","vector":{"the":2,"##s":1,"\\"q\\"":3}}');
    expect(impactQueryLine('q 1', terms)).toBe('q 1\tthe the ##s "q" "q" "q"');
  });
});

const DOCS = [
  { _id: 'd1', title: 'Water', text: 'Water boils at 100 degrees Celsius.' },
  { _id: 'd2', title: '', text: 'A snowman melts in the sun.' },
  { _id: 'd3', text: 'Sparse retrieval with learned term weights.' },
];
const QUERIES = [
  { _id: 'q1', text: 'boiling point of water' },
  { _id: 'q2', text: 'snowman' },
];

let ckpt: TinyCheckpoint;
let dataset: string;
const home = makeTempDir('lsr-home-');
const dirs = [home];

beforeAll(async () => {
  await selectBackend('wasm');
  ckpt = writeTinyBert({ seed: 29 });
  dataset = makeTempDir('lsr-beir-');
  dirs.push(ckpt.dir, dataset);
  fs.writeFileSync(path.join(dataset, 'corpus.jsonl'), DOCS.map((d) => JSON.stringify(d)).join('\r\n') + '\r\n');
  fs.writeFileSync(path.join(dataset, 'queries.jsonl'), QUERIES.map((d) => JSON.stringify(d)).join('\n') + '\n');
});
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function lsr(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const input = new PassThrough();
  input.end('');
  const status = await runCli([...argv, '--home', home], { stdout, stderr, stdin: input }, new AbortController().signal);
  return { status, out, err };
}

/** SPLADE weights by the float64 reference forward (logits / k) for bert-base-uncased token ids. */
function referenceWeights(ids: number[], k: number): Float64Array {
  const ref = referenceBert(ckpt.config, ckpt.weights, [ids], [ids.map(() => 1)]);
  return referenceSplade(
    ref.logits[0]!.map((row) => row.map((v) => v / k)),
    ids.length,
  );
}

describe('lsr export --format anserini', () => {
  it('writes corpus/docs.jsonl and queries.tsv: integer impacts of the SPLADE vectors, token keys, no zeros', async () => {
    const out = path.join(makeTempDir('lsr-anserini-'), 'export');
    dirs.push(path.dirname(out));
    const k = 2;
    const r = await lsr(['export', ckpt.dir, '--format', 'anserini', '--dataset', dataset, '--out', out, '--k', String(k), '--json']);
    expect(r.err).not.toMatch(/lsr export:/);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.out) as Record<string, unknown>;
    expect(summary.docs).toBe(3);
    expect(fs.readdirSync(out).sort()).toEqual(['corpus', 'queries.tsv']);
    expect(fs.readdirSync(path.join(out, 'corpus'))).toEqual(['docs.jsonl']);

    const tokenizer = await loadTokenizer(ckpt.dir);
    const docLines = fs.readFileSync(path.join(out, 'corpus', 'docs.jsonl'), 'utf8').trimEnd().split('\n');
    expect(docLines).toHaveLength(3);
    const texts = DOCS.map((d) => (d.title ? `${d.title} ${d.text}` : d.text));
    const encodedDocs = await tokenizer.encodeBatch(texts, 64);
    docLines.forEach((line, i) => {
      const doc = JSON.parse(line) as { id: string; contents: string; vector: Record<string, number> };
      expect(Object.keys(doc)).toEqual(['id', 'contents', 'vector']);
      expect(doc.id).toBe(DOCS[i]!._id);
      expect(doc.contents).toBe(texts[i]);
      const expected = referenceWeights(encodedDocs[i]!.ids, k);
      let nonzero = 0;
      expected.forEach((w, id) => {
        const got = doc.vector[VOCAB[id]!];
        const exact = w * 100;
        // Away from a rounding boundary the impact is round(w × 100) of the reference exactly.
        if (Math.abs(exact - Math.floor(exact) - 0.5) > 1e-3) {
          const q = Math.round(exact);
          if (q === 0) expect(got, VOCAB[id]).toBeUndefined();
          else expect(got, VOCAB[id]).toBe(q);
        }
        if (got !== undefined) nonzero++;
      });
      expect(Object.keys(doc.vector)).toHaveLength(nonzero);
      expect(nonzero).toBeGreaterThan(0);
      for (const v of Object.values(doc.vector)) expect(Number.isInteger(v) && v >= 1).toBe(true);
    });

    const queryLines = fs.readFileSync(path.join(out, 'queries.tsv'), 'utf8').trimEnd().split('\n');
    const encodedQueries = await tokenizer.encodeBatch(QUERIES.map((q) => q.text), 64);
    expect(queryLines.map((l) => l.split('\t')[0])).toEqual(['q1', 'q2']);
    queryLines.forEach((line, i) => {
      const counts = new Map<string, number>();
      for (const tok of line.split('\t')[1]!.split(' ')) counts.set(tok, (counts.get(tok) ?? 0) + 1);
      const expected = referenceWeights(encodedQueries[i]!.ids, k);
      expected.forEach((w, id) => {
        const exact = w * 100;
        if (Math.abs(exact - Math.floor(exact) - 0.5) > 1e-3) expect(counts.get(VOCAB[id]!) ?? 0, VOCAB[id]).toBe(Math.round(exact));
      });
    });
  });

  it('the impacts are exactly round(w × 100) of the encoder weights `lsr encode` prints', async () => {
    const out = makeTempDir('lsr-anserini-');
    dirs.push(out);
    const tokenizer = await loadTokenizer(ckpt.dir);
    const model = loadMaskedLm(ckpt.dir);
    try {
      const encoder = new SpladeEncoder(model, tokenizer);
      await exportAnserini(encoder, dataset, out, { quantization: 37, tokenOf: (id) => tokenizer.idToToken(id) });
      const vectors = await encoder.encodeTexts(
        DOCS.map((d) => (d.title ? `${d.title} ${d.text}` : d.text)),
        'document',
      );
      const lines = fs.readFileSync(path.join(out, 'corpus', 'docs.jsonl'), 'utf8').trimEnd().split('\n');
      lines.forEach((line, i) => {
        const expected: Record<string, number> = {};
        vectors[i]!.termIds.forEach((id, n) => {
          const q = Math.round(vectors[i]!.weights[n]! * 37);
          if (q > 0) expected[VOCAB[id]!] = q;
        });
        expect((JSON.parse(line) as { vector: Record<string, number> }).vector).toEqual(expected);
      });
    } finally {
      model.dispose();
    }
  });

  it('cancelling leaves no output files behind', async () => {
    const out = makeTempDir('lsr-anserini-');
    dirs.push(out);
    const tokenizer = await loadTokenizer(ckpt.dir);
    const model = loadMaskedLm(ckpt.dir);
    const abort = new AbortController();
    abort.abort();
    try {
      await expect(
        exportAnserini(new SpladeEncoder(model, tokenizer), dataset, out, { tokenOf: (id) => tokenizer.idToToken(id), signal: abort.signal }),
      ).rejects.toBeInstanceOf(CancelledError);
    } finally {
      model.dispose();
    }
    expect(fs.readdirSync(path.join(out, 'corpus'))).toEqual([]);
    expect(fs.existsSync(path.join(out, 'queries.tsv'))).toBe(false);
  });

  it('exit 2 with a clear message: missing --dataset, unknown run, bad --quantization, non-empty --out', async () => {
    const out = path.join(makeTempDir('lsr-anserini-'), 'x');
    dirs.push(path.dirname(out));
    const noDataset = await lsr(['export', ckpt.dir, '--format', 'anserini', '--out', out]);
    expect(noDataset.status).toBe(2);
    expect(noDataset.err).toMatch(/field "--dataset": is required for --format anserini/);

    const unknown = await lsr(['export', 'no-such-run', '--format', 'hf', '--out', out]);
    expect(unknown.status).toBe(2);
    expect(unknown.err).toMatch(/field "RUN\|MODEL": no run or model "no-such-run"/);

    const unknownRun = await lsr(['export', 'run:01ABCDEF', '--format', 'hf', '--out', out]);
    expect(unknownRun.status).toBe(2);
    expect(unknownRun.err).toMatch(/unknown run "01ABCDEF"/);

    const badQ = await lsr(['export', ckpt.dir, '--format', 'anserini', '--dataset', dataset, '--out', out, '--quantization', '0']);
    expect(badQ.status).toBe(2);
    expect(badQ.err).toMatch(/--quantization/);

    const badFormat = await lsr(['export', ckpt.dir, '--format', 'onnx', '--out', out]);
    expect(badFormat.status).toBe(2);
    expect(badFormat.err).toMatch(/--format.*hf, sentence-transformers, anserini/);

    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'keep.txt'), 'x');
    const notEmpty = await lsr(['export', ckpt.dir, '--format', 'hf', '--out', out]);
    expect(notEmpty.status).toBe(2);
    expect(notEmpty.err).toMatch(/not empty \(use --force/);
  });
});
