// Builds the demo collections in BEIR layout from the SMART originals in data/ (read with the project's own
// importer), into resources/demo/collections/{cranfield,med}/. Deterministic: the same data gives
// byte-identical files.
//
//   node --import tsx scripts/demo/build-collections.ts [--out DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importDataset } from '../../src/core/data/import-dataset.ts';
import {
  CRANFIELD_NEGATIVES_PER_EXAMPLE,
  CRANFIELD_NEGATIVES_SEED,
  CRANFIELD_SPLIT_SEED,
  CRANFIELD_TEST_QUERIES,
  cranfieldGain,
  cranfieldTrainingExamples,
  isTrainingPositive,
  splitQueries,
  stripRepeatedTitle,
  type DemoDoc,
} from '../../src/core/demo/cranfield-demo.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface JsonRecord {
  _id: string;
  title?: string;
  text: string;
  metadata?: Record<string, string>;
}

function readJsonl(file: string): JsonRecord[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as JsonRecord);
}

/** BEIR qrels rows in file order (header skipped). */
function readQrels(file: string): [string, string, number][] {
  const lines = fs.readFileSync(file, 'utf8').split('\n').slice(1);
  return lines.filter((l) => l.trim() !== '').map((l) => {
    const [q, d, s] = l.split('\t');
    return [q!, d!, Number(s)];
  });
}

function writeJsonl(file: string, rows: readonly unknown[]): void {
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r) + '\n').join(''));
}

function writeQrels(file: string, rows: readonly [string, string, number][]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'query-id\tcorpus-id\tscore\n' + rows.map((r) => r.join('\t') + '\n').join(''));
}

function count<T>(items: readonly T[], key: (t: T) => string | number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const it of items) out[String(key(it))] = (out[String(key(it))] ?? 0) + 1;
  return out;
}

async function importSmart(source: string, tmp: string, name: string): Promise<string> {
  const dest = path.join(tmp, name);
  await importDataset('smart', source, dest, { name });
  return dest;
}

async function buildCranfield(tmp: string, outDir: string): Promise<Record<string, unknown>> {
  const src = await importSmart(path.join(root, 'data/cranfield'), tmp, 'cranfield');
  const docs = readJsonl(path.join(src, 'corpus.jsonl'));
  const queries = readJsonl(path.join(src, 'queries.jsonl'));
  const qrels = readQrels(path.join(src, 'qrels/test.tsv'));

  const corpus = new Map<string, DemoDoc>();
  for (const d of docs) corpus.set(d._id, { title: d.title ?? '', text: stripRepeatedTitle(d.title ?? '', d.text) });
  const { train, test } = splitQueries(
    queries.map((q) => q._id),
    CRANFIELD_TEST_QUERIES,
  );
  const trainSet = new Set(train);
  const graded = qrels.map(([q, d, code]) => [q, d, cranfieldGain(code)] as [string, string, number]);
  const trainQrels = graded.filter(([q]) => trainSet.has(q));
  const testQrels = graded.filter(([q]) => !trainSet.has(q));

  const judged = new Map<string, Map<string, number>>();
  for (const [q, d, g] of trainQrels) {
    if (!judged.has(q)) judged.set(q, new Map());
    judged.get(q)!.set(d, g);
  }
  const examples = cranfieldTrainingExamples({
    corpus,
    queries: new Map(queries.map((q) => [q._id, q.text])),
    qrels: judged,
    negatives: CRANFIELD_NEGATIVES_PER_EXAMPLE,
    seed: CRANFIELD_NEGATIVES_SEED,
  });

  fs.mkdirSync(outDir, { recursive: true });
  writeJsonl(
    path.join(outDir, 'corpus.jsonl'),
    [...corpus].map(([id, d]) => ({ _id: id, title: d.title, text: d.text })),
  );
  writeJsonl(path.join(outDir, 'queries.jsonl'), queries);
  writeQrels(path.join(outDir, 'qrels/train.tsv'), trainQrels);
  writeQrels(path.join(outDir, 'qrels/test.tsv'), testQrels);
  writeJsonl(path.join(outDir, 'train-triples.jsonl'), examples);
  for (const f of ['SOURCE.md', 'cranqrel.readme']) fs.copyFileSync(path.join(root, 'data/cranfield', f), path.join(outDir, f));

  const relevant = (rows: [string, string, number][]) => rows.filter((r) => r[2] > 0);
  return {
    documents: corpus.size,
    queries: queries.length,
    trainQueries: train.length,
    testQueries: test.length,
    testQueryIds: test,
    judgements: { train: trainQrels.length, test: testQrels.length },
    relevantJudgements: { train: relevant(trainQrels).length, test: relevant(testQrels).length },
    gains: { train: count(trainQrels, (r) => r[2]), test: count(testQrels, (r) => r[2]) },
    trainingExamples: {
      total: examples.length,
      fromJudgements: trainQrels.filter((r) => isTrainingPositive(r[2])).length,
      fromTitles: examples.filter((e) => e.queryId?.startsWith('title:')).length,
      negativesPerExample: CRANFIELD_NEGATIVES_PER_EXAMPLE,
      negativesSeed: CRANFIELD_NEGATIVES_SEED,
    },
    splitSeed: CRANFIELD_SPLIT_SEED,
  };
}

async function buildMed(tmp: string, outDir: string): Promise<Record<string, unknown>> {
  const src = await importSmart(path.join(root, 'data/med'), tmp, 'med');
  const qrels = readQrels(path.join(src, 'qrels/test.tsv'));
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of ['corpus.jsonl', 'queries.jsonl']) fs.copyFileSync(path.join(src, f), path.join(outDir, f));
  writeQrels(path.join(outDir, 'qrels/test.tsv'), qrels);
  fs.copyFileSync(path.join(root, 'data/med/SOURCE.md'), path.join(outDir, 'SOURCE.md'));
  return {
    documents: readJsonl(path.join(src, 'corpus.jsonl')).length,
    queries: readJsonl(path.join(src, 'queries.jsonl')).length,
    judgements: { test: qrels.length },
    gains: { test: count(qrels, (r) => r[2]) },
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const outIdx = argv.indexOf('--out');
  const out = path.resolve(outIdx >= 0 && argv[outIdx + 1] ? argv[outIdx + 1]! : path.join(root, 'resources/demo/collections'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-demo-collections-'));
  try {
    for (const name of ['cranfield', 'med']) fs.rmSync(path.join(out, name), { recursive: true, force: true });
    const cranfield = await buildCranfield(tmp, path.join(out, 'cranfield'));
    const med = await buildMed(tmp, path.join(out, 'med'));
    const card = { recipe: 'scripts/demo/build-collections.ts', cranfield, med };
    fs.writeFileSync(path.join(out, 'collections-card.json'), JSON.stringify(card, null, 2) + '\n');
    process.stderr.write(`demo collections written to ${out}\n`);
    process.stdout.write(JSON.stringify({ cranfield: { ...cranfield, testQueryIds: undefined }, med }) + '\n');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
