#!/usr/bin/env node
// `npm run bench`: the workbench's own speed figures, each with its baseline measured in the same run:
// search — the inverted index against exhaustive scoring of every document (and, when SciPy is installed,
// the SciPy CSR anchor on the same vectors); encoding — texts/s; training — `lsr bench train-step` (and the
// PyTorch eager anchor when python3-torch is installed). Prints one JSON line per measurement, then a table.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lsr = path.join(root, 'bin/lsr.mjs');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-bench-'));
const quick = process.argv.includes('--quick');
const rows = [];

function runJson(cmd, args, label) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    console.error(`bench: ${label} failed (exit ${r.status})`);
    return undefined;
  }
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  console.log(JSON.stringify({ bench: label, ...JSON.parse(line) }));
  return JSON.parse(line);
}

function hasPython(modules) {
  if (!fs.existsSync('/usr/bin/python3')) return false;
  return spawnSync('/usr/bin/python3', ['-c', modules.map((m) => `import ${m}`).join(';')], { stdio: 'ignore' }).status === 0;
}

// 1. Search: 20,000 SPLADE-like documents, 200 queries, top 1000.
const docs = quick ? 5000 : 20000;
execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/gen-splade-vectors.ts'), '--out', work, '--docs', String(docs), '--queries', '200', '--seed', '1'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
const docsFile = path.join(work, 'docs.jsonl');
const queriesFile = path.join(work, 'queries.jsonl');
const search = runJson(process.execPath, [lsr, 'bench', 'search', '--docs', docsFile, '--queries', queriesFile, '--k', '1000', '--repeat', '3', '--run-out', path.join(work, 'lsr.run')], 'search');
if (search) rows.push(['search: index q/s', search.queries_per_s, `exhaustive ${search.exhaustive_queries_per_s} q/s → ×${search.speedup_vs_exhaustive.toFixed(2)}`]);
if (hasPython(['scipy', 'numpy'])) {
  const scipy = runJson('/usr/bin/python3', [path.join(root, 'scripts/anchors/scipy_search.py'), docsFile, queriesFile, '--k', '1000', '--repeat', '3'], 'scipy-anchor');
  if (scipy && search) rows.push(['search: SciPy CSR q/s', scipy.queries_per_s, `index / SciPy → ×${(search.queries_per_s / scipy.queries_per_s).toFixed(2)}`]);
} else rows.push(['search: SciPy CSR', 'skipped', 'apt-get install python3-scipy to compare']);

// 2. Encoding throughput.
const enc = runJson(process.execPath, [lsr, 'bench', 'encode', '--backend', 'wasm', ...(quick ? ['--batches', '2'] : [])], 'encode');
if (enc) rows.push(['encode: texts/s (2L-128H BERT, 128 tokens)', Number(enc.texts_per_s.toFixed(1)), 'wasm']);

// 3. Training step (when the command exists in this build).
const help = spawnSync(process.execPath, [lsr, 'bench', 'train-step', '--help'], { encoding: 'utf8' });
if (help.status === 0) {
  const step = runJson(process.execPath, [lsr, 'bench', 'train-step', ...(quick ? ['--steps', '3', '--warmup', '1'] : [])], 'train-step');
  if (step) rows.push(['train step: s (median)', step.step_s_median, `${step.workers} worker(s), peak RSS ${step.peak_rss_mb} MB`]);
  if (hasPython(['torch'])) {
    const torch = runJson('/usr/bin/python3', [path.join(root, 'scripts/anchors/torch_splade_step.py'), ...(quick ? ['--steps', '3', '--warmup', '1'] : [])], 'torch-anchor');
    if (torch && step) rows.push(['train step: PyTorch eager s', torch.step_s_median, `ours / PyTorch → ×${(step.step_s_median / torch.step_s_median).toFixed(2)}`]);
  } else rows.push(['train step: PyTorch', 'skipped', 'apt-get install python3-torch to compare']);
}

console.log('');
for (const [what, value, note] of rows) console.log(`${what.padEnd(44)} ${String(value).padStart(10)}   ${note}`);
console.log(`(load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; vectors in ${work})`);
