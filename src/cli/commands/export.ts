import fs from 'node:fs';
import path from 'node:path';
import type { Command, CommandContext } from '../command.ts';
import { InputError } from '../../core/errors.ts';
import { exportAnserini, assertBeirTexts, type AnseriniExportResult } from '../../core/export/anserini-export.ts';
import { resolveExportSource, SOURCE_FIELD, type ExportSource } from '../../core/export/export-source.ts';
import { exportHfFolder } from '../../core/export/hf-export.ts';
import { prepareOutFolder } from '../../core/export/out-folder.ts';
import { validateQuantization } from '../../core/export/quantize.ts';
import { exportSentenceTransformers, SENTENCE_TRANSFORMERS_VERSION } from '../../core/export/sentence-transformers-export.ts';
import { resolveDatasetFolder } from '../../core/data/resolve-dataset.ts';
import { loadMaskedLm, readModelConfig } from '../../core/models/load.ts';
import { SpladeEncoder } from '../../core/splade/encoder.ts';
import { rescaleHead, validateRescaleK } from '../../core/splade/rescale.ts';
import { loadTokenizer } from '../../core/tokenize/load-tokenizer.ts';
import { backendFor, maxLengthArg, maxPositionsOf } from '../model-args.ts';

const FORMATS = ['hf', 'sentence-transformers', 'anserini'] as const;
type ExportFormat = (typeof FORMATS)[number];

function formatArg(ctx: CommandContext): ExportFormat {
  const v = ctx.args.required('format');
  if (!(FORMATS as readonly string[]).includes(v)) throw new InputError(`expected ${FORMATS.join(', ')}, got "${v}"`, { field: '--format' });
  return v as ExportFormat;
}

function sourceArg(ctx: CommandContext): string {
  const p = ctx.args.positionals;
  if (p.length === 0) throw new InputError('a run (id, id prefix or name) or a model (folder, hub id, run:<id>[@step]) is required', { field: SOURCE_FIELD });
  if (p.length > 1) throw new InputError(`expected one run or model, got ${p.length} (${p.join(' ')})`, { field: SOURCE_FIELD });
  return p[0]!;
}

/** The MLM-head factor already in a run checkpoint's weights (trainer_state.json), 1 for any other folder. */
function checkpointRescaleK(folder: string): number {
  try {
    const state = JSON.parse(fs.readFileSync(path.join(folder, 'trainer_state.json'), 'utf8')) as { rescaleK?: unknown };
    return typeof state.rescaleK === 'number' && state.rescaleK > 0 ? state.rescaleK : 1;
  } catch {
    return 1;
  }
}

/** `--max-length N` for the hf / sentence-transformers formats, checked against config.json. */
function maxSeqLengthArg(ctx: CommandContext, folder: string): number | undefined {
  const given = ctx.args.number('max-length', { integer: true, min: 2 });
  if (given === undefined) return undefined;
  const positions = maxPositionsOf(readModelConfig(folder));
  if (given > positions) throw new InputError(`${given} exceeds the model's ${positions} positions`, { field: '--max-length' });
  return given;
}

async function anseriniExport(ctx: CommandContext, source: ExportSource, dataset: string, out: string, k: number, quantization: number): Promise<AnseriniExportResult> {
  const batchSize = ctx.args.number('batch-size', { integer: true, min: 1 }) ?? 32;
  const tokenizer = await loadTokenizer(source.folder, readModelConfig(source.folder));
  await backendFor(ctx);
  const model = loadMaskedLm(source.folder);
  try {
    const maxLength = maxLengthArg(ctx, model.info.maxPositions, tokenizer);
    rescaleHead(model, k);
    const encoder = new SpladeEncoder(model, tokenizer, { batchSize, queryMaxLength: maxLength, documentMaxLength: maxLength });
    return await exportAnserini(encoder, dataset, out, {
      quantization,
      tokenOf: (id) => tokenizer.idToToken(id),
      onProgress: ctx.progress,
      signal: ctx.signal,
    });
  } finally {
    model.dispose();
  }
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'export a run checkpoint or a model: hf folder, sentence-transformers SparseEncoder, or Anserini impact files',
  usage:
    'export RUN|MODEL --format hf|sentence-transformers|anserini --out FOLDER [--k K] [--max-length N] [--force] [--json]\n' +
    '       anserini also: --dataset NAME|FOLDER [--quantization 100] [--batch-size B]\n' +
    '  RUN: a stored run (id, unique id prefix or name; its latest checkpoint) or run:<id>[@step]; MODEL: a folder or hub id',
  booleanFlags: ['force'],
  async run(ctx) {
    const { args, io } = ctx;
    const ref = sourceArg(ctx);
    const format = formatArg(ctx);
    const out = args.required('out');
    const force = args.flag('force');
    const json = args.flag('json');
    const k = validateRescaleK(args.number('k') ?? 1);
    let dataset: string | undefined;
    let quantization = 100;
    if (format === 'anserini') {
      const given = args.string('dataset');
      if (given === undefined || given === '') {
        throw new InputError('is required for --format anserini (a registered dataset name or a BEIR folder whose corpus is encoded)', { field: '--dataset' });
      }
      quantization = validateQuantization(args.number('quantization') ?? 100);
      dataset = resolveDatasetFolder(given, ctx.home);
      assertBeirTexts(dataset);
    }
    const source = await resolveExportSource(ref, { home: ctx.home, onProgress: ctx.progress, signal: ctx.signal });
    const maxLength = format === 'anserini' ? undefined : maxSeqLengthArg(ctx, source.folder);
    const dir = prepareOutFolder(out, force);
    io.stderr.write(`exporting ${source.label} as ${format} to ${dir}\n`);
    let summary: Record<string, unknown>;
    if (format === 'anserini') {
      const r = await anseriniExport(ctx, source, dataset!, dir, k, quantization);
      summary = {
        format,
        out: dir,
        corpus: r.corpusFile,
        queries: r.queriesFile,
        docs: r.docs,
        queries_written: r.queries,
        empty_queries: r.emptyQueries,
        quantization: r.quantization,
        doc_nnz_mean: r.docNnzMean,
        query_nnz_mean: r.queryNnzMean,
        whitespace_terms_dropped: r.whitespaceTermsDropped,
      };
      if (r.emptyQueries.length > 0) io.stderr.write(`note: ${r.emptyQueries.length} queries had no impact ≥ 1 after quantization and were left out\n`);
      if (r.whitespaceTermsDropped > 0) io.stderr.write(`note: ${r.whitespaceTermsDropped} terms with whitespace in their token were left out\n`);
    } else {
      await backendFor(ctx);
      if (format === 'hf') {
        const r = exportHfFolder(source.folder, dir, { k, maxLength });
        summary = { format, out: dir, files: r.files, tie_word_embeddings: r.config.tie_word_embeddings ?? true, k };
      } else {
        const rescaleK = checkpointRescaleK(source.folder) * k;
        const r = exportSentenceTransformers(source.folder, dir, { k, maxLength, source: { label: source.label, rescaleK } });
        summary = { format, out: dir, files: r.files, max_seq_length: r.maxSeqLength, sentence_transformers_layout: SENTENCE_TRANSFORMERS_VERSION, k };
      }
    }
    if (source.run) summary.run = source.run;
    if (json) io.stdout.write(JSON.stringify(summary) + '\n');
    else io.stdout.write(dir + '\n');
  },
};
