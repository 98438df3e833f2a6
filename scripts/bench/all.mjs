#!/usr/bin/env node
// `npm run bench`: the workbench's own speed figures, each with its baseline measured in the same run:
// search — the inverted index (default threads and one thread) against exhaustive scoring of every document
// (and, when SciPy is installed, the single-threaded SciPy CSR anchor on the same vectors, rankings
// compared); encoding — texts/s; training — `lsr bench train-step` (and the PyTorch eager anchor when
// python3-torch is installed). Prints one JSON line per measurement, then a table.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lsr = path.join(root, 'bin/lsr.mjs');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-bench-'));
const quick = process.argv.includes('--quick');
// `--only search,encode,train`: run just those parts.
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? new Set((process.argv[onlyAt + 1] ?? '').split(',')) : undefined;
const wanted = (part) => !only || only.has(part);
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

/**
 * SciPy sums float32 products in float32, the index exactly (see PreparedQuery), so documents whose scores
 * differ by less than float32 rounding may swap places. A rank counts as a near-tie swap when the two runs
 * hold different documents there but scores equal within TIE_TOLERANCE (relative; float32 epsilon is 6e-8)
 * plus 5e-7 (SciPy's run prints 6 decimals); any other difference makes the rankings differ.
 */
const TIE_TOLERANCE = 1e-6;
function compareRuns(oursFile, theirsFile) {
  const read = (file) => {
    const byQuery = new Map();
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      const [qid, , docid, , score] = line.split(' ');
      if (!byQuery.has(qid)) byQuery.set(qid, []);
      byQuery.get(qid).push({ docid, score: Number(score) });
    }
    return byQuery;
  };
  const ours = read(oursFile);
  const theirs = read(theirsFile);
  let ranks = 0;
  let nearTies = 0;
  let differ = 0;
  for (const qid of new Set([...ours.keys(), ...theirs.keys()])) {
    const a = ours.get(qid) ?? [];
    const b = theirs.get(qid) ?? [];
    differ += Math.abs(a.length - b.length);
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      ranks++;
      if (a[i].docid === b[i].docid) continue;
      if (Math.abs(a[i].score - b[i].score) <= TIE_TOLERANCE * Math.max(1, Math.abs(a[i].score)) + 5e-7) nearTies++;
      else differ++;
    }
  }
  return { ranks, nearTies, differ, identical: differ === 0 };
}

function hasPython(modules) {
  if (!fs.existsSync('/usr/bin/python3')) return false;
  return spawnSync('/usr/bin/python3', ['-c', modules.map((m) => `import ${m}`).join(';')], { stdio: 'ignore' }).status === 0;
}

// 1. Search: 20,000 SPLADE-like documents, 200 queries, top 1000.
if (wanted('search')) benchSearch();
function benchSearch() {
  const docs = quick ? 5000 : 20000;
  execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/gen-splade-vectors.ts'), '--out', work, '--docs', String(docs), '--queries', '200', '--seed', '1'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const docsFile = path.join(work, 'docs.jsonl');
  const queriesFile = path.join(work, 'queries.jsonl');
  const lsrRun = path.join(work, 'lsr.run');
  const scipyRun = path.join(work, 'scipy.run');
  const search = runJson(process.execPath, [lsr, 'bench', 'search', '--docs', docsFile, '--queries', queriesFile, '--k', '1000', '--repeat', '3', '--run-out', lsrRun], 'search');
  if (search) {
    rows.push([`search: index q/s (${search.threads} thread${search.threads > 1 ? 's' : ''})`, search.queries_per_s, `worker start ${search.threads_start_s} s (once)`]);
    rows.push(['search: index q/s (1 thread)', search.single_thread_queries_per_s, `exhaustive ${search.exhaustive_queries_per_s} q/s → ×${search.speedup_vs_exhaustive.toFixed(2)}`]);
  }
  if (hasPython(['scipy', 'numpy'])) {
    const scipy = runJson('/usr/bin/python3', [path.join(root, 'scripts/anchors/scipy_search.py'), docsFile, queriesFile, '--k', '1000', '--repeat', '3', '--run-out', scipyRun], 'scipy-anchor');
    if (scipy && search) {
      rows.push(['search: SciPy CSR q/s (1 thread)', scipy.queries_per_s, `index / SciPy → ×${(search.queries_per_s / scipy.queries_per_s).toFixed(2)} (${search.threads} threads), ×${(search.single_thread_queries_per_s / scipy.queries_per_s).toFixed(2)} (1 thread)`]);
      const cmp = compareRuns(lsrRun, scipyRun);
      rows.push(['search: rankings vs SciPy', cmp.identical ? 'identical' : 'DIFFER', `${cmp.ranks} ranks; ${cmp.nearTies} swapped near-ties (|Δscore| ≤ ${TIE_TOLERANCE} rel. + 5e-7), ${cmp.differ} other differences`]);
    }
  } else rows.push(['search: SciPy CSR', 'skipped', 'apt-get install python3-scipy to compare']);
}

// 2. Encoding throughput.
const enc = wanted('encode') ? runJson(process.execPath, [lsr, 'bench', 'encode', '--backend', 'wasm', ...(quick ? ['--batches', '2'] : [])], 'encode') : undefined;
if (enc) rows.push(['encode: texts/s (2L-128H BERT, 128 tokens)', Number(enc.texts_per_s.toFixed(1)), 'wasm']);

// 3. Training step (when the command exists in this build).
const help = spawnSync(process.execPath, [lsr, 'bench', 'train-step', '--help'], { encoding: 'utf8' });
if (help.status === 0 && wanted('train')) {
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
