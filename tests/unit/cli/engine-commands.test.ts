import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { referenceBert, worstRatio } from '../../helpers/reference-mlm.ts';
import { bertConfig, makeTempDir, randomBertWeights, writeHfCheckpoint, writeTinyBert, type TinyCheckpoint } from '../../helpers/tiny-checkpoint.ts';

const BERT_VOCAB = fs.readFileSync(path.resolve(import.meta.dirname, '../../fixtures/tokenizers/bert-base-uncased/vocab.txt'), 'utf8').split('\n');

let ckpt: TinyCheckpoint;
let inputFile: string;
const home = makeTempDir('lsr-home-');

beforeAll(async () => {
  await selectBackend('wasm');
  ckpt = writeTinyBert({ seed: 41 });
  inputFile = path.join(ckpt.dir, 'texts.jsonl');
  fs.writeFileSync(inputFile, '{"id": "q1", "text": "Hello, world!"}\r\n\r\n{"id": "d7", "text": "snowman unaffable"}\n');
});

async function lsr(argv: string[], stdin = ''): Promise<{ status: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const input = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  input.end(stdin);
  const status = await runCli([...argv, '--home', home], { stdout, stderr, stdin: input }, new AbortController().signal);
  return { status, out, err };
}

function lines(text: string): Record<string, unknown>[] {
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('lsr tokenize', () => {
  it('writes ids and tokens, special tokens included, truncated with --max-length', async () => {
    const r = await lsr(['tokenize', '--model', ckpt.dir, '--input', inputFile]);
    expect(r.status).toBe(0);
    const [a, b] = lines(r.out);
    expect(a).toEqual({ id: 'q1', input_ids: [101, 7592, 1010, 2088, 999, 102], tokens: ['[CLS]', 'hello', ',', 'world', '!', '[SEP]'] });
    expect(b!.tokens).toEqual(['[CLS]', 'snow', '##man', 'una', '##ffa', '##ble', '[SEP]']);
    expect(b!.input_ids).toEqual((b!.tokens as string[]).map((t) => BERT_VOCAB.indexOf(t)));

    const short = await lsr(['tokenize', '--model', ckpt.dir, '--input', '-', '--max-length', '4'], '{"id":"x","text":"one two three"}\n');
    expect(lines(short.out)[0]!.tokens).toEqual(['[CLS]', 'one', 'two', '[SEP]']);
  });
});

describe('lsr encode', () => {
  it('writes {id, nnz, vector} with the SPLADE weights of the reference, keys as ids or tokens, k rescaling', async () => {
    const outFile = path.join(ckpt.dir, 'out', 'vectors.jsonl');
    const r = await lsr(['encode', '--model', ckpt.dir, '--input', inputFile, '--output', outFile, '--batch-size', '1']);
    expect(r.status).toBe(0);
    expect(r.err).toMatch(/backend: wasm/);
    const rows = lines(fs.readFileSync(outFile, 'utf8'));
    expect(rows.map((x) => x.id)).toEqual(['q1', 'd7']);
    const ids = [
      [101, 7592, 1010, 2088, 999, 102],
      [101, 4586, 2386, 14477, 20961, 3468, 102],
    ];
    for (const k of [1, 4]) {
      const rk = k === 1 ? rows : lines((await lsr(['encode', '--model', ckpt.dir, '--input', inputFile, '--k', String(k)])).out);
      rk.forEach((row, i) => {
        const ref = referenceBert(ckpt.config, ckpt.weights, [ids[i]!], [ids[i]!.map(() => 1)]);
        const expected = new Float64Array(30522);
        for (let j = 0; j < 30522; j++) {
          let m = 0;
          for (const t of ref.logits[0]!) m = Math.max(m, Math.log1p(Math.max(0, t[j]! / k)));
          expected[j] = m;
        }
        const vector = row.vector as Record<string, number>;
        expect(row.nnz).toBe(Object.keys(vector).length);
        const dense = new Float64Array(30522);
        for (const [key, w] of Object.entries(vector)) dense[Number(key)] = w;
        expect(worstRatio(dense, expected, { scale: 1 })).toBeLessThanOrEqual(1);
      });
    }

    const byToken = lines((await lsr(['encode', '--model', ckpt.dir, '--input', inputFile, '--keys', 'tokens'])).out);
    const first = rows[0]!.vector as Record<string, number>;
    const named = byToken[0]!.vector as Record<string, number>;
    expect(Object.keys(named)).toHaveLength(Object.keys(first).length);
    for (const [id, w] of Object.entries(first)) expect(named[BERT_VOCAB[Number(id)]!]).toBe(w);
  });
});

describe('lsr head-stats', () => {
  it('prints one block per k with the contract fields', async () => {
    const r = await lsr(['head-stats', '--model', ckpt.dir, '--k', '1,4', '--json']);
    expect(r.status).toBe(0);
    const stats = JSON.parse(r.out) as { architecture: string; vocab_size: number; tied: boolean; by_k: Record<string, Record<string, number>> };
    expect(stats).toMatchObject({ architecture: 'BertForMaskedLM', vocab_size: 30522, tied: true });
    expect(Object.keys(stats.by_k)).toEqual(['1', '4']);
    for (const field of [
      'decoder_weight_frobenius_norm',
      'decoder_weight_mean_row_l2_norm',
      'decoder_bias_l2_norm',
      'logits_l2_mean',
      'splade_nnz_mean',
      'splade_weight_mean',
      'splade_weight_max',
    ]) {
      expect(typeof stats.by_k['1']![field]).toBe('number');
    }
    expect(stats.by_k['4']!.decoder_weight_frobenius_norm).toBeCloseTo(stats.by_k['1']!.decoder_weight_frobenius_norm / 4, 6);
    const text = await lsr(['head-stats', '--model', ckpt.dir, '--k', '2', '--input', inputFile]);
    expect(text.status).toBe(0);
    expect(text.out).toContain('2 texts');
  });
});

describe('bad input exits 2 with one message naming the problem', () => {
  const expectExit2 = async (argv: string[], ...fragments: string[]): Promise<void> => {
    const r = await lsr(argv);
    expect(r.status).toBe(2);
    const errLines = r.err.trim().split('\n').filter((l) => !l.startsWith('backend'));
    expect(errLines).toHaveLength(1);
    for (const f of fragments) expect(errLines[0]).toContain(f);
  };

  it('missing tokenizer, truncated safetensors, wrong shapes, unknown architecture', async () => {
    const noTok = writeTinyBert({ seed: 1, tokenizer: 'none' });
    await expectExit2(['encode', '--model', noTok.dir, '--input', inputFile], noTok.dir, 'no tokenizer');
    await expectExit2(['tokenize', '--model', noTok.dir, '--input', inputFile], noTok.dir, 'no tokenizer');

    const trunc = writeTinyBert({ seed: 2 });
    const file = path.join(trunc.dir, 'model.safetensors');
    fs.truncateSync(file, fs.statSync(file).size - 64);
    await expectExit2(['encode', '--model', trunc.dir, '--input', inputFile], file, 'truncated');

    const config = bertConfig();
    const weights = randomBertWeights(config, 3);
    weights.set('cls.predictions.transform.dense.weight', { shape: [16, 8], data: new Float32Array(128) });
    const shaped = writeHfCheckpoint({ config, weights });
    await expectExit2(['head-stats', '--model', shaped], 'cls.predictions.transform.dense.weight', 'expected shape [16, 16], got [16, 8]');

    const small = writeTinyBert({ seed: 3, config: { vocab_size: 1000 } });
    await expectExit2(['encode', '--model', small.dir, '--input', inputFile], 'tokenizer.json', 'outside the model', '1000');

    const unknown = writeHfCheckpoint({ config: bertConfig({ architectures: ['GPT2LMHeadModel'] }), weights: new Map() });
    await expectExit2(['encode', '--model', unknown, '--input', inputFile], path.join(unknown, 'config.json'), 'architectures', 'GPT2LMHeadModel');
  });

  it('bad JSONL, bad flags, unknown runs and uncached hub ids offline', async () => {
    const bad = path.join(ckpt.dir, 'bad.jsonl');
    fs.writeFileSync(bad, '{"id": "a", "text": "ok"}\n{"id": 5, "text": "x"}\n');
    await expectExit2(['encode', '--model', ckpt.dir, '--input', bad], `${bad}:2`, 'field "id"');
    await expectExit2(['encode', '--model', ckpt.dir, '--input', inputFile, '--k', '0'], '--k');
    await expectExit2(['encode', '--model', ckpt.dir], '--input');
    await expectExit2(['encode', '--model', ckpt.dir, '--input', inputFile, '--max-length', '1000'], '--max-length', '64');
    // A hub id never reaches the network in tests: offline with an empty cache is a clear failure (exit 1).
    vi.stubEnv('HF_HUB_OFFLINE', '1');
    vi.stubEnv('HF_HUB_CACHE', makeTempDir('lsr-empty-cache-'));
    const offline = await lsr(['encode', '--model', 'naver/splade-v3', '--input', inputFile]);
    vi.unstubAllEnvs();
    expect(offline.status).toBe(1);
    expect(offline.err).toMatch(/offline mode is on.*no record of naver\/splade-v3@main/);
    await expectExit2(['encode', '--model', 'run:abc@5', '--input', inputFile], 'run:abc@5');
    await expectExit2(['encode', '--model', path.join(ckpt.dir, 'missing'), '--input', inputFile], 'no such model folder');
  });
});
