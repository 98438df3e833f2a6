/**
 * Writes synthetic SPLADE-like vectors in the `lsr encode` JSONL format, for search benchmarks.
 *
 *   npx tsx scripts/gen-splade-vectors.ts --out DIR [--docs 20000] [--queries 200] [--seed 1]
 *
 * Shape, chosen to resemble SPLADE on MS MARCO passages with a BERT vocabulary (30522 ids):
 * - term popularity is Zipfian (p(rank r) ∝ 1 / (r + 10)^1.05) over ids 1000..30521 in a seeded random
 *   order (ids below 1000 are BERT's special and unused tokens, which SPLADE never activates);
 * - documents have 100–200 distinct terms, queries 20–40;
 * - weights are log-normal and grow with rarity (rare terms get larger weights, like an IDF), clipped to
 *   [0.01, 4], rounded to float32;
 * - each query takes about a third of its terms from one random "target" document, so every query has a
 *   few clearly better-matching documents, as real queries do.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '../src/core/train/rng.ts';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1] !== undefined) return process.argv[i + 1]!;
  if (fallback === undefined) throw new Error(`--${name} is required`);
  return fallback;
}

const out = arg('out');
const numDocs = Number(arg('docs', '20000'));
const numQueries = Number(arg('queries', '200'));
const rng = new Rng(Number(arg('seed', '1')));

const VOCAB = 30522;
const FIRST_ID = 1000;
const ranks = VOCAB - FIRST_ID;
const ids = Array.from({ length: ranks }, (_, i) => FIRST_ID + i);
for (let i = ids.length - 1; i > 0; i--) {
  const j = rng.int(i + 1);
  [ids[i], ids[j]] = [ids[j]!, ids[i]!];
}
const cdf = new Float64Array(ranks);
let total = 0;
for (let r = 0; r < ranks; r++) cdf[r] = total += 1 / (r + 10) ** 1.05;
for (let r = 0; r < ranks; r++) cdf[r]! /= total;

function sampleRank(): number {
  const u = rng.next();
  let lo = 0;
  let hi = ranks - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function gaussian(): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

function weight(rank: number): number {
  const rarity = Math.log(rank + 10) / Math.log(ranks + 10); // 0.2 (common) … 1 (rare)
  const w = Math.exp(-1.6 + 1.6 * rarity + 0.5 * gaussian());
  return Math.fround(Math.min(4, Math.max(0.01, w)));
}

function vector(nnz: number, seed?: Map<number, number>): Map<number, number> {
  const v = new Map<number, number>();
  if (seed) {
    const entries = [...seed.keys()];
    const take = Math.round(nnz / 3);
    while (v.size < Math.min(take, entries.length)) v.set(entries[rng.int(entries.length)]!, 0);
    for (const r of v.keys()) v.set(r, weight(r));
  }
  while (v.size < nnz) {
    const r = sampleRank();
    if (!v.has(r)) v.set(r, weight(r));
  }
  return v;
}

function line(id: string, v: Map<number, number>): string {
  const obj: Record<string, number> = {};
  for (const [r, w] of v) obj[String(ids[r])] = w;
  return JSON.stringify({ id, nnz: v.size, vector: obj });
}

fs.mkdirSync(out, { recursive: true });
const docs: Map<number, number>[] = [];
const docLines: string[] = [];
for (let i = 0; i < numDocs; i++) {
  const v = vector(100 + rng.int(101));
  docs.push(v);
  docLines.push(line(`d${i}`, v));
}
fs.writeFileSync(path.join(out, 'docs.jsonl'), docLines.join('\n') + '\n');
const queryLines: string[] = [];
for (let i = 0; i < numQueries; i++) queryLines.push(line(`q${i}`, vector(20 + rng.int(21), docs[rng.int(docs.length)])));
fs.writeFileSync(path.join(out, 'queries.jsonl'), queryLines.join('\n') + '\n');
process.stderr.write(`wrote ${numDocs} documents and ${numQueries} queries to ${out}\n`);
