#!/usr/bin/env node
// Builds the plain-text English corpus the demo backbones are pretrained on (masked-language modelling):
// WordNet 3.0 glosses and examples, the Jargon File lexicon, Bierce's Devil's Dictionary (Debian packages
// wordnet-base, jargon-text, dict-devil: downloaded with apt-get, unpacked with dpkg-deb, not installed) and
// the documents of the demo collections in data/. Deterministic: the same packages give byte-identical files.
//
//   node scripts/demo-corpus/build-corpus.mjs [--out DIR] [--debs DIR] [--no-tokens]
//
//   --out DIR    output folder (default .cache/demo-corpus): corpus.txt, heldout.txt, corpus-card.json, licenses/
//   --debs DIR   take NAME_*.deb from DIR instead of downloading them
//   --no-tokens  skip counting tokens under the two demo tokenizers
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { dedupeSources, selectHeldout, textStats } from './corpus-lines.mjs';
import { debControl, downloadDeb, localDeb, sha256File, unpackDeb } from './debian-packages.mjs';
import { parseDevilDictionary } from './parse-dict.mjs';
import { parseJargon } from './parse-jargon.mjs';
import { parseSmart, smartDocumentLines } from './parse-smart.mjs';
import { parseWordnetData } from './parse-wordnet.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HELDOUT_SEED = 'lsr-demo-corpus-heldout-v1';
const HELDOUT_FRACTION = 0.01;

const PACKAGES = [
  {
    name: 'wordnet-base',
    version: '1:3.0-37',
    license: 'WordNet 3.0 license (permissive, BSD-like; keep the Princeton copyright notice with copies)',
  },
  { name: 'jargon-text', version: '4.4.7-4.1', license: 'public domain (Jargon File 4.4.7; Debian packaging GPL)' },
  { name: 'dict-devil', version: '1.0-13.1', license: 'public domain (text copyright expired)' },
];

const COLLECTIONS = [
  { id: 'cranfield', file: 'data/cranfield/cran.all.1400', fields: '.T + .W' },
  { id: 'med', file: 'data/med/MED.ALL', fields: '.W' },
  { id: 'adi', file: 'data/adi/ADI.ALL', fields: '.T + .W' },
];
const COLLECTION_LICENSE = 'research use (Glasgow IR group test collection), no explicit license';

const TOKENIZERS = [
  { id: 'bert-base-uncased', file: 'tests/fixtures/tokenizers/bert-base-uncased/tokenizer.json' },
  { id: 'modernbert', file: 'tests/fixtures/tokenizers/modernbert/tokenizer.json' },
];

function parseArgs(argv) {
  const opts = { out: path.join(root, '.cache/demo-corpus'), debs: undefined, tokens: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') opts.out = path.resolve(argv[++i] ?? '');
    else if (a === '--debs') opts.debs = path.resolve(argv[++i] ?? '');
    else if (a === '--no-tokens') opts.tokens = false;
    else if (a === '--help' || a === '-h') {
      console.log('usage: build-corpus.mjs [--out DIR] [--debs DIR] [--no-tokens]');
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
  }
  return opts;
}

const log = (msg) => process.stderr.write(`[demo-corpus] ${msg}\n`);
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

function fetchPackages(work, opts) {
  const debDir = opts.debs ?? path.join(work, 'debs');
  mkdirSync(debDir, { recursive: true });
  const fetched = {};
  for (const pkg of PACKAGES) {
    const { file, pinned } = opts.debs ? localDeb(debDir, pkg.name) : downloadDeb(debDir, pkg.name, pkg.version, log);
    const control = debControl(file);
    if (control.version !== pkg.version) {
      log(`WARNING: ${pkg.name} is version ${control.version}, the recipe was written for ${pkg.version}`);
    }
    const into = path.join(work, 'root', pkg.name);
    mkdirSync(into, { recursive: true });
    unpackDeb(file, into);
    log(`${path.basename(file)} unpacked${pinned ? ' (pinned version)' : ''}`);
    fetched[pkg.name] = { ...pkg, ...control, root: into, debFile: path.basename(file), debSha256: sha256File(file) };
  }
  return fetched;
}

function extractSources(pkgs) {
  const sources = [];
  const wn = pkgs['wordnet-base'];
  const wnFiles = ['noun', 'verb', 'adj', 'adv'].map((pos) => `usr/share/wordnet/data.${pos}`);
  sources.push({
    id: 'wordnet',
    description: 'WordNet 3.0 synsets: "lemmas: gloss. Example sentences." one synset per line',
    pkg: wn,
    files: wnFiles,
    lines: wnFiles.flatMap((f) => parseWordnetData(readFileSync(path.join(wn.root, f), 'utf8'), f)),
  });

  const jargon = pkgs['jargon-text'];
  const jargonFile = 'usr/share/doc/jargon-text/jargon.txt.gz';
  sources.push({
    id: 'jargon',
    description: 'Jargon File 4.4.7 lexicon (Part II): one paragraph per line, entry/sense starts as "headword: ..."',
    pkg: jargon,
    files: [jargonFile],
    lines: parseJargon(gunzipSync(readFileSync(path.join(jargon.root, jargonFile))).toString('utf8')),
  });

  const devil = pkgs['dict-devil'];
  const devilFiles = ['usr/share/dictd/devil.dict.dz', 'usr/share/dictd/devil.index'];
  sources.push({
    id: 'devil',
    description: "Bierce, The Devil's Dictionary: one paragraph per line, definitions as \"headword: ...\"",
    pkg: devil,
    files: devilFiles,
    lines: parseDevilDictionary(
      gunzipSync(readFileSync(path.join(devil.root, devilFiles[0]))),
      readFileSync(path.join(devil.root, devilFiles[1]), 'utf8'),
      devilFiles[1],
    ),
  });

  for (const c of COLLECTIONS) {
    const bytes = readFileSync(path.join(root, c.file));
    sources.push({
      id: c.id,
      description: `${c.file}: one document per line (${c.fields}, punctuation spacing undone)`,
      file: c.file,
      fileSha256: sha256(bytes),
      lines: smartDocumentLines(parseSmart(bytes.toString('utf8'), c.file)),
    });
  }
  return sources;
}

function percentile(sorted, p) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Token counts per tokenizer: per split, per source, and the per-line distribution (no special tokens). */
async function countTokens(items) {
  const { Tokenizer } = await import('tokenizers');
  const result = {};
  for (const t of TOKENIZERS) {
    const tok = Tokenizer.fromFile(path.join(root, t.file));
    const split = { train: 0, heldout: 0 };
    const bySource = {};
    const perLine = [];
    for (let i = 0; i < items.length; i += 1000) {
      const chunk = items.slice(i, i + 1000);
      const encodings = await tok.encodeBatch(
        chunk.map((x) => x.line),
        { addSpecialTokens: false },
      );
      encodings.forEach((e, j) => {
        const n = e.getIds().length;
        split[chunk[j].heldout ? 'heldout' : 'train'] += n;
        bySource[chunk[j].source] = (bySource[chunk[j].source] ?? 0) + n;
        perLine.push(n);
      });
    }
    perLine.sort((a, b) => a - b);
    result[t.id] = {
      tokenizer: t.file,
      ...split,
      bySource,
      perLine: {
        mean: Number((perLine.reduce((sum, n) => sum + n, 0) / perLine.length).toFixed(2)),
        p50: percentile(perLine, 0.5),
        p95: percentile(perLine, 0.95),
        p99: percentile(perLine, 0.99),
        max: perLine[perLine.length - 1],
      },
    };
    log(`tokens (${t.id}): train ${split.train}, heldout ${split.heldout}`);
  }
  return result;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const work = mkdtempSync(path.join(os.tmpdir(), 'lsr-demo-corpus-'));
  try {
    const pkgs = fetchPackages(work, opts);
    const sources = dedupeSources(extractSources(pkgs));

    const all = sources.flatMap((s) => s.lines.map((line) => ({ line, source: s.id, heldout: false })));
    const heldoutIndices = selectHeldout(
      all.map((x) => x.line),
      HELDOUT_SEED,
      HELDOUT_FRACTION,
    );
    for (const i of heldoutIndices) all[i].heldout = true;
    const train = all.filter((x) => !x.heldout);
    const held = all.filter((x) => x.heldout);

    mkdirSync(opts.out, { recursive: true });
    const corpusText = train.map((x) => `${x.line}\n`).join('');
    const heldoutText = held.map((x) => `${x.line}\n`).join('');
    writeFileSync(path.join(opts.out, 'corpus.txt'), corpusText);
    writeFileSync(path.join(opts.out, 'heldout.txt'), heldoutText);
    mkdirSync(path.join(opts.out, 'licenses'), { recursive: true });
    for (const pkg of Object.values(pkgs)) {
      copyFileSync(
        path.join(pkg.root, 'usr/share/doc', pkg.package, 'copyright'),
        path.join(opts.out, 'licenses', `${pkg.package}.copyright`),
      );
    }

    const card = {
      name: 'LSR Workbench demo MLM pretraining corpus',
      recipe: 'scripts/demo-corpus/build-corpus.mjs (npm run build:demo-corpus)',
      format:
        'UTF-8, Unicode NFC, LF line ends; one paragraph, definition or document per line; whitespace runs ' +
        'collapsed to one space; exact duplicate lines removed (first occurrence kept, sources in the order below)',
      counting: 'characters = Unicode code points without the newline; words = space-separated tokens',
      heldout: {
        file: 'heldout.txt',
        fraction: HELDOUT_FRACTION,
        seed: HELDOUT_SEED,
        method:
          'the ceil(1% of all lines) lines with the smallest sha256(seed + "\\n" + line) are held out; ' +
          'corpus.txt holds the rest; both keep source order',
      },
      sources: sources.map((s) => {
        const trainLines = train.filter((x) => x.source === s.id).length;
        return {
          id: s.id,
          description: s.description,
          ...(s.pkg
            ? {
                package: s.pkg.package,
                version: s.pkg.version,
                deb: s.pkg.debFile,
                debSha256: s.pkg.debSha256,
                files: s.files,
                license: s.pkg.license,
                licenseFile: `licenses/${s.pkg.package}.copyright`,
              }
            : { file: s.file, fileSha256: s.fileSha256, license: COLLECTION_LICENSE }),
          ...textStats(s.lines),
          duplicatesDropped: s.duplicates,
          trainLines,
          heldoutLines: s.lines.length - trainLines,
        };
      }),
      totals: {
        all: textStats(all.map((x) => x.line)),
        train: textStats(train.map((x) => x.line)),
        heldout: textStats(held.map((x) => x.line)),
      },
      outputs: {
        'corpus.txt': { bytes: Buffer.byteLength(corpusText), sha256: sha256(corpusText) },
        'heldout.txt': { bytes: Buffer.byteLength(heldoutText), sha256: sha256(heldoutText) },
      },
    };
    if (opts.tokens) {
      log('counting tokens');
      card.tokens = {
        note: 'tokens without special tokens ([CLS]/[SEP] add 2 per sequence); perLine over train + heldout',
        ...(await countTokens(all)),
      };
    }
    writeFileSync(path.join(opts.out, 'corpus-card.json'), `${JSON.stringify(card, null, 2)}\n`);

    for (const s of card.sources) log(`${s.id}: ${s.lines} lines, ${s.words} words, ${s.characters} characters`);
    log(`train ${card.totals.train.lines} lines / heldout ${card.totals.heldout.lines} lines -> ${opts.out}`);
    log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`build-corpus: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
