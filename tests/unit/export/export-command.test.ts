import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import { listFilesRecursive } from '../../../src/core/export/out-folder.ts';
import { Store } from '../../../src/core/store/store.ts';
import { makeTempDir, writeTinyBert, type TinyCheckpoint } from '../../helpers/tiny-checkpoint.ts';

const home = makeTempDir('lsr-home-');
const dirs = [home];
let ckpt: TinyCheckpoint;
let runId: string;

beforeAll(() => {
  ckpt = writeTinyBert({ seed: 31 });
  dirs.push(ckpt.dir);
  // A stored run whose step-5 checkpoint is a training checkpoint folder (model + optimizer + trainer state).
  const ckptDir = path.join(home, 'runs', 'r', 'checkpoints', 'step-5');
  fs.mkdirSync(ckptDir, { recursive: true });
  for (const f of fs.readdirSync(ckpt.dir)) fs.copyFileSync(path.join(ckpt.dir, f), path.join(ckptDir, f));
  fs.writeFileSync(path.join(ckptDir, 'optimizer.safetensors'), 'x');
  fs.writeFileSync(path.join(ckptDir, 'trainer_state.json'), JSON.stringify({ format: 'lsr-trainer/1', step: 5, rescaleK: 4 }));
  const store = Store.open(home);
  runId = store.runs.create({ name: 'splade-k4', config: { k: 4 } }).id;
  store.checkpoints.add(runId, 5, ckptDir);
  store.close();
});
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function lsr(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const input = new PassThrough();
  input.end('');
  const status = await runCli([...argv, '--home', home, '--backend', 'wasm'], { stdout, stderr, stdin: input }, new AbortController().signal);
  return { status, out, err };
}

function outDir(): string {
  const d = makeTempDir('lsr-export-');
  dirs.push(d);
  return path.join(d, 'out');
}

describe('lsr export RUN', () => {
  it('a run named by its name exports its latest checkpoint, without optimizer or trainer state', async () => {
    const out = outDir();
    const r = await lsr('export', 'splade-k4', '--format', 'hf', '--out', out, '--json');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.out) as Record<string, unknown>;
    expect(summary.run).toEqual({ id: runId, name: 'splade-k4', step: 5 });
    expect(listFilesRecursive(out)).toEqual(['config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt']);
    expect(r.err).toMatch(new RegExp(`exporting run ${runId} \\(splade-k4\\) at step 5 as hf`));
  });

  it('run:<id>@step and an id prefix; the model card records the run\'s k times the export\'s --k', async () => {
    const out = outDir();
    const r = await lsr('export', `run:${runId}@5`, '--format', 'sentence-transformers', '--out', out, '--k', '2');
    expect(r.status).toBe(0);
    expect(r.out.trim()).toBe(out);
    const card = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
    expect(card).toContain('**MLM-head rescale factor k:** 8 ');
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.tie_word_embeddings).toBe(false);

    const byPrefix = await lsr('export', runId.slice(0, 8), '--format', 'hf', '--out', outDir(), '--json');
    expect(byPrefix.status).toBe(0);
    expect((JSON.parse(byPrefix.out) as { run: { id: string } }).run.id).toBe(runId);
  });

  it('exit 2: a step without a checkpoint, no RUN|MODEL at all, --max-length beyond the model', async () => {
    const missing = await lsr('export', `run:${runId}@3`, '--format', 'hf', '--out', outDir());
    expect(missing.status).toBe(2);
    expect(missing.err).toMatch(/has no checkpoint at step 3 \(it has: 5\)/);
    const none = await lsr('export', '--format', 'hf', '--out', outDir());
    expect(none.status).toBe(2);
    expect(none.err).toMatch(/field "RUN\|MODEL": a run/);
    const tooLong = await lsr('export', ckpt.dir, '--format', 'sentence-transformers', '--out', outDir(), '--max-length', '65');
    expect(tooLong.status).toBe(2);
    expect(tooLong.err).toMatch(/65 exceeds the model's 64 positions/);
  });
});
