#!/usr/bin/env node
// Side-by-side training-step benchmark: `lsr bench train-step` (ours, per worker count) against the PyTorch
// eager anchor scripts/anchors/torch_splade_step.py (per thread count), interleaved in one run and repeated,
// with the machine's load average recorded around every run (other processes share the CPU).
//
//   node scripts/bench/train-step.mjs [--workers 1,2] [--threads 1,2] [--repeat 2] [any bench flag, e.g. --steps 10]
//
// Prints a table on stderr and one JSON line on stdout: every run (ours with its CPU seconds per step, all
// threads: wall time alone cannot tell waiting for a core from working), the best median of each side, and
// ours/theirs for step time (target ≤ 0.5) and peak RSS (target ≤ 1). PyTorch's peak RSS comes from
// /usr/bin/time -v; ours from the process's own maxRSS (worker threads included). The anchor needs Debian's
// torch (`apt-get install python3-torch`); without it only our side runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const take = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = argv[i + 1];
  argv.splice(i, 2);
  return value;
};
const workers = take('workers', '1,2').split(',').map(Number);
const threads = take('threads', '1,2').split(',').map(Number);
const repeat = Number(take('repeat', '2'));
const python = take('python', '/usr/bin/python3');
const passthrough = argv; // bench flags shared by both sides (--steps, --batch, …)

const load = () => os.loadavg()[0];
const hasTorch = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const hasTime = fs.existsSync('/usr/bin/time');

function lastJson(text) {
  const line = text.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no JSON line in:\n${text.slice(-2000)}`);
  return JSON.parse(line);
}

function ours(w) {
  const before = load();
  const r = spawnSync(process.execPath, [path.join(root, 'bin/lsr.mjs'), 'bench', 'train-step', '--workers', String(w), ...passthrough], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`lsr bench train-step failed:\n${r.stderr}`);
  const j = lastJson(r.stdout);
  // CPU seconds of the whole process per measured step (all threads), from the progress lines.
  const cpu = [...r.stderr.matchAll(/^step \d+\/\d+: [\d.]+ s \(cpu ([\d.]+) s\)$/gm)].map((m) => Number(m[1]));
  const sorted = cpu.sort((a, b) => a - b);
  return {
    side: 'ours',
    workers: w,
    step_s_median: j.step_s_median,
    step_s_min: j.step_s_min,
    cpu_s_median: sorted.length ? sorted[sorted.length >> 1] : null,
    peak_rss_mb: j.peak_rss_mb,
    load_before: before,
    load_after: load(),
  };
}

function theirs(t) {
  const before = load();
  const script = path.join(root, 'scripts/anchors/torch_splade_step.py');
  const cmd = hasTime ? '/usr/bin/time' : python;
  const args = hasTime ? ['-v', python, script] : [script];
  const r = spawnSync(cmd, [...args, '--threads', String(t), ...passthrough], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`torch anchor failed:\n${r.stderr}`);
  const j = lastJson(r.stdout);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return {
    side: 'pytorch',
    threads: t,
    step_s_median: j.step_s_median,
    step_s_min: j.step_s_min,
    peak_rss_mb: rss ? Number((Number(rss[1]) / 1024).toFixed(1)) : null,
    load_before: before,
    load_after: load(),
  };
}

const runs = [];
for (let rep = 0; rep < repeat; rep++) {
  const n = Math.max(workers.length, threads.length);
  for (let i = 0; i < n; i++) {
    if (i < workers.length) runs.push({ repeat: rep, ...ours(workers[i]) });
    if (hasTorch && i < threads.length) runs.push({ repeat: rep, ...theirs(threads[i]) });
    process.stderr.write(`${JSON.stringify(runs.at(-1))}\n`);
  }
}

const best = (side) => {
  const r = runs.filter((x) => x.side === side);
  return r.length ? r.reduce((a, b) => (b.step_s_median < a.step_s_median ? b : a)) : null;
};
const o = best('ours');
const t = best('pytorch');
const peak = (side) => Math.max(...runs.filter((x) => x.side === side && x.peak_rss_mb != null).map((x) => x.peak_rss_mb));
const table = ['side      config      median_s  min_s   cpu_s  peak_rss_mb  load(before→after)'];
for (const r of runs) {
  const config = r.side === 'ours' ? `workers ${r.workers}` : `threads ${r.threads}`;
  table.push(
    `${r.side.padEnd(9)} ${config.padEnd(11)} ${String(r.step_s_median).padEnd(9)} ${String(r.step_s_min).padEnd(7)} ${String(r.cpu_s_median ?? '-').padEnd(6)} ${String(r.peak_rss_mb).padEnd(12)} ${r.load_before.toFixed(2)}→${r.load_after.toFixed(2)}`,
  );
}
process.stderr.write(table.join('\n') + '\n');
const summary = {
  runs,
  best_ours: o,
  best_pytorch: t,
  step_ratio: o && t ? Number((o.step_s_median / t.step_s_median).toFixed(3)) : null,
  // Peak memory compares the configurations with the best times.
  rss_ratio: o && t && t.peak_rss_mb ? Number((o.peak_rss_mb / t.peak_rss_mb).toFixed(3)) : null,
  peak_rss_mb: { ours: peak('ours'), pytorch: hasTorch ? peak('pytorch') : null },
  pytorch: hasTorch ? 'ran' : `skipped (${python} cannot import torch)`,
};
process.stdout.write(JSON.stringify(summary) + '\n');
