import { InputError } from '../errors.ts';
import type { DatasetWriter } from './dataset-writer.ts';
import { readLines } from './read-lines.ts';
import { listFiles, pickOne, requireFolder } from './source-files.ts';

/** How relevance-file query numbers map to queries: by `.I` number, or by position (1..n) in the query file. */
export type SmartQueryIds = 'auto' | 'id' | 'position';

export interface SmartOptions {
  queryIds?: SmartQueryIds;
  /** Explicit files, when the folder's names do not follow the Glasgow ones. */
  docs?: string;
  queries?: string;
  qrels?: string;
}

interface SmartRecord {
  id: string;
  line: number;
  fields: Map<string, string[]>;
}

const MARKER = /^\.([A-Z])(?:\s+(.*?))?\s*$/;

/** Numeric ids lose leading zeros (`.I 001` and a qrels `1` are the same query). */
function normalizeId(id: string): string {
  return /^\d+$/.test(id) ? String(Number(id)) : id;
}

/**
 * Streams `.I` records: `.I <id>` starts one, a line holding only `.X` (one capital letter) starts
 * field X, other lines belong to the current field. Text before the first `.I` is malformed.
 */
async function* readRecords(file: string, w: DatasetWriter): AsyncGenerator<SmartRecord> {
  let current: SmartRecord | undefined;
  let field: string[] | undefined;
  for await (const { text, line } of readLines(file)) {
    const m = MARKER.exec(text);
    if (m && m[1] === 'I') {
      if (current) yield current;
      w.log.line(file);
      const id = (m[2] ?? '').trim();
      if (id === '' || /\s/.test(id)) {
        w.log.bad(file, line, '".I" must be followed by one record id');
        current = undefined;
      } else current = { id: normalizeId(id), line, fields: new Map() };
      field = undefined;
      continue;
    }
    if (!current) {
      if (text.trim() !== '') {
        w.log.line(file);
        w.log.bad(file, line, 'text outside a ".I" record');
      }
      continue;
    }
    if (m) {
      field = current.fields.get(m[1]!) ?? [];
      current.fields.set(m[1]!, field);
      if (m[2]) field.push(m[2]);
      continue;
    }
    if (field) field.push(text);
    else if (text.trim() !== '') w.log.bad(file, line, 'text before the first field marker of the record');
  }
  if (current) yield current;
}

function fieldText(rec: SmartRecord, name: string): string {
  return (rec.fields.get(name) ?? []).join(' ').replace(/\s+/g, ' ').trim();
}

interface RawQrel {
  qid: string;
  docid: string;
  rel: number;
  line: number;
}

/**
 * Relevance lines in the three Glasgow layouts: `qid docid grade` (Cranfield), `qid 0 docid rel` (TREC, as
 * MED.REL) and `qid docid 0 0.000000` (old SMART, as ADI.REL: every listed pair is relevant, grade 1).
 */
async function readRelevance(file: string, w: DatasetWriter): Promise<RawQrel[]> {
  const out: RawQrel[] = [];
  for await (const { text, line } of readLines(file)) {
    const cols = text.trim().split(/\s+/);
    if (cols.length === 1 && cols[0] === '') continue;
    w.log.line(file);
    const int = (s: string): boolean => /^[+-]?\d+$/.test(s);
    if (cols.length === 3 && int(cols[0]!) && int(cols[1]!) && int(cols[2]!)) {
      out.push({ qid: normalizeId(cols[0]!), docid: normalizeId(cols[1]!), rel: Number(cols[2]), line });
    } else if (cols.length === 4 && cols[3]!.includes('.') && int(cols[0]!) && int(cols[1]!) && Number.isFinite(Number(cols[3]))) {
      out.push({ qid: normalizeId(cols[0]!), docid: normalizeId(cols[1]!), rel: 1, line });
    } else if (cols.length === 4 && int(cols[0]!) && int(cols[3]!)) {
      out.push({ qid: normalizeId(cols[0]!), docid: normalizeId(cols[2]!), rel: Number(cols[3]), line });
    } else {
      w.log.bad(file, line, 'expected "qid docid grade", "qid 0 docid rel" or "qid docid 0 0.000000"');
    }
  }
  return out;
}

/** Picks the query-id scheme: see SmartQueryIds; `auto` follows the Glasgow convention (positions) only when needed. */
export function chooseQueryIds(queryIds: readonly string[], qrelsQids: ReadonlySet<string>): 'id' | 'position' {
  const n = queryIds.length;
  if (queryIds.every((id, i) => id === String(i + 1))) return 'id';
  const known = new Set(queryIds);
  const allKnown = [...qrelsQids].every((q) => known.has(q));
  const allPositions = [...qrelsQids].every((q) => /^\d+$/.test(q) && Number(q) >= 1 && Number(q) <= n);
  if (allPositions && !allKnown) return 'position';
  return 'id';
}

/**
 * Reads a Glasgow (SMART) test collection folder: documents (`*.ALL`, `cran.all.1400`), queries (`*.QRY`,
 * `cran.qry`) and relevance judgements (`*.REL`, `cranqrel`), `\n` or `\r\n`. Documents keep `.T` as title
 * and `.W` as text (authors, bibliography and other fields are left out); a query is its `.T` and `.W`.
 * Judgements go to the split `test`; negative grades (Cranfield's -1) are kept as they are.
 */
export async function readSmart(source: string, w: DatasetWriter, options: SmartOptions = {}): Promise<void> {
  let docsFile = options.docs;
  let queriesFile = options.queries;
  let qrelsFile = options.qrels;
  if (!docsFile || !queriesFile || !qrelsFile) {
    requireFolder(source, 'a SMART document file (*.ALL), query file (*.QRY) and relevance file (*.REL)');
    const files = listFiles(source);
    docsFile ??= pickOne(files, /(^|\.)all(\.\d+)?$/i, 'a SMART document file', source);
    queriesFile ??= pickOne(files, /(^|\.)qry$/i, 'a SMART query file', source);
    qrelsFile ??= pickOne(files, /((^|\.)rel|qrels?)$/i, 'a SMART relevance file', source);
  }
  if (!docsFile) throw new InputError('no document file found (expected a name like MED.ALL or cran.all.1400)', { file: source });
  if (!queriesFile) throw new InputError('no query file found (expected a name like MED.QRY or cran.qry)', { file: source });
  if (!qrelsFile) throw new InputError('no relevance file found (expected a name like MED.REL or cranqrel)', { file: source });

  for await (const rec of readRecords(docsFile, w)) {
    w.addDoc(rec.id, fieldText(rec, 'T'), fieldText(rec, 'W'), { file: docsFile, line: rec.line });
    w.checkpoint(docsFile);
  }

  const queries: SmartRecord[] = [];
  for await (const rec of readRecords(queriesFile, w)) queries.push(rec);
  const qrels = await readRelevance(qrelsFile, w);
  const scheme =
    !options.queryIds || options.queryIds === 'auto'
      ? chooseQueryIds(
          queries.map((q) => q.id),
          new Set(qrels.map((q) => q.qid)),
        )
      : options.queryIds;
  queries.forEach((rec, i) => {
    const text = [fieldText(rec, 'T'), fieldText(rec, 'W')].filter((s) => s !== '').join(' ');
    const at = { file: queriesFile, line: rec.line };
    if (scheme === 'position') w.addQuery(String(i + 1), text, at, { smart_id: rec.id });
    else w.addQuery(rec.id, text, at);
  });
  for (const q of qrels) {
    w.addQrel('test', q.qid, q.docid, q.rel, { file: qrelsFile, line: q.line });
    w.checkpoint(qrelsFile);
  }
  if (scheme === 'position') {
    w.log.warn(queriesFile, undefined, `relevance judgements number queries by position (1..${queries.length}), not by ".I"; query ids are positions`);
  }
}
