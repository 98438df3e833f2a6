import path from 'node:path';
import { InputError } from '../errors.ts';
import type { DatasetWriter } from './dataset-writer.ts';
import { readLines } from './read-lines.ts';
import { listFiles, splitName } from './source-files.ts';

/** Which topic fields make the query text. */
export type TopicField = 'title' | 'description' | 'title+description';

export interface TrecOptions {
  topicField?: TopicField;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Tags removed, the common SGML entities decoded, whitespace collapsed. */
export function cleanSgml(s: string): string {
  return s
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_, e: string) => ENTITIES[e]!)
    .replace(/\s+/g, ' ')
    .trim();
}

const TITLE_TAGS = ['HEADLINE', 'TITLE', 'HEAD', 'HL', 'TTL'];

function elements(doc: string, tag: string): string[] {
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'gi');
  return [...doc.matchAll(re)].map((m) => m[1]!);
}

/**
 * One `<DOC>…</DOC>` block: id from `<DOCNO>`; title from the first of HEADLINE, TITLE, HEAD, HL, TTL;
 * text from every `<TEXT>` element, or, when there is none, everything but DOCNO/DOCID and the title.
 */
export function parseTrecDoc(block: string): { id: string; title: string; text: string } | undefined {
  const docno = /<DOCNO>([\s\S]*?)<\/DOCNO>/i.exec(block);
  if (!docno) return undefined;
  const id = cleanSgml(docno[1]!);
  if (id === '') return undefined;
  let titleTag: string | undefined;
  let title = '';
  for (const tag of TITLE_TAGS) {
    const found = elements(block, tag);
    if (found.length > 0) {
      titleTag = tag;
      title = cleanSgml(found.join(' '));
      break;
    }
  }
  const texts = elements(block, 'TEXT');
  let text: string;
  if (texts.length > 0) text = cleanSgml(texts.join(' '));
  else {
    let rest = block.replace(/<(DOCNO|DOCID)>[\s\S]*?<\/\1>/gi, ' ');
    if (titleTag) rest = rest.replace(new RegExp(`<${titleTag}(?:\\s[^>]*)?>[\\s\\S]*?</${titleTag}>`, 'gi'), ' ');
    text = cleanSgml(rest.replace(/<\/?DOC>/gi, ' '));
  }
  return { id, title, text };
}

async function readDocuments(file: string, w: DatasetWriter): Promise<void> {
  let block: string[] | undefined;
  let start = 0;
  for await (const { text, line } of readLines(file)) {
    let rest = text;
    // A line may hold several tags (`<DOC><DOCNO> x </DOCNO>` or a whole one-line document).
    while (rest !== '') {
      if (!block) {
        const open = rest.search(/<DOC>/i);
        if (open < 0) {
          if (rest.trim() !== '') {
            w.log.line(file);
            w.log.bad(file, line, 'text outside <DOC>…</DOC>');
          }
          break;
        }
        block = [];
        start = line;
        w.log.line(file);
        rest = rest.slice(open + 5);
        continue;
      }
      const close = rest.search(/<\/DOC>/i);
      const reopen = rest.search(/<DOC>/i);
      if (reopen >= 0 && (close < 0 || reopen < close)) {
        w.log.bad(file, start, '<DOC> not closed before the next <DOC>');
        block = undefined;
        continue;
      }
      if (close < 0) {
        block.push(rest);
        break;
      }
      block.push(rest.slice(0, close));
      const doc = parseTrecDoc(block.join('\n'));
      if (!doc) w.log.bad(file, start, 'document without a <DOCNO>');
      else w.addDoc(doc.id, doc.title, doc.text, { file, line: start });
      block = undefined;
      rest = rest.slice(close + 6);
      w.checkpoint(file);
    }
  }
  if (block) w.log.bad(file, start, '<DOC> not closed at the end of the file');
}

async function looksLikeDocuments(file: string): Promise<boolean> {
  for await (const { text, line } of readLines(file)) {
    if (/<DOC>/i.test(text)) return true;
    if (line >= 1000) break;
  }
  return false;
}

/** Text of an unclosed topic field: from its tag to the next tag. */
function topicField(block: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)(?=<|$)`, 'i').exec(block);
  return m ? m[1]!.replace(/\s+/g, ' ').trim() : undefined;
}

async function readTopics(file: string, w: DatasetWriter, field: TopicField): Promise<void> {
  let block: string[] | undefined;
  let start = 0;
  const finish = (): void => {
    const text = block!.join('\n');
    const num = topicField(text, 'num')?.replace(/^Number:\s*/i, '');
    const title = topicField(text, 'title')?.replace(/^Topic:\s*/i, '') ?? '';
    const desc = topicField(text, 'desc')?.replace(/^Description:\s*/i, '') ?? '';
    const query = field === 'title' ? title : field === 'description' ? desc : [title, desc].filter((s) => s !== '').join(' ');
    if (!num) w.log.bad(file, start, 'topic without <num>');
    else if (query === '') w.log.bad(file, start, `topic ${num} has no ${field}`);
    else w.addQuery(num, query, { file, line: start }, desc !== '' && field === 'title' ? { description: desc } : undefined);
  };
  for await (const { text, line } of readLines(file)) {
    if (/<top>/i.test(text)) {
      if (block) w.log.bad(file, start, '<top> not closed before the next <top>');
      block = [];
      start = line;
      w.log.line(file);
    }
    if (block) block.push(text.replace(/<\/?top>/gi, ' '));
    if (/<\/top>/i.test(text) && block) {
      finish();
      block = undefined;
      w.checkpoint(file);
    }
  }
  if (block) w.log.bad(file, start, '<top> not closed at the end of the file');
}

/** TREC-style qrels, four columns (tabs or spaces) of which the third is the document and the fourth the grade. */
export async function readTrecQrels(file: string, split: string, w: DatasetWriter, columns = 'qid iter docid rel'): Promise<void> {
  for await (const { text, line } of readLines(file)) {
    const cols = text.trim().split(/\s+/);
    if (cols.length === 1 && cols[0] === '') continue;
    w.log.line(file);
    if (cols.length !== 4) w.log.bad(file, line, `expected "${columns}", got ${cols.length} columns`);
    else if (!/^[+-]?\d+$/.test(cols[3]!)) w.log.bad(file, line, `field "rel": "${cols[3]}" is not an integer`);
    else w.addQrel(split, cols[0]!, cols[2]!, Number(cols[3]), { file, line });
    w.checkpoint(file);
  }
}

/**
 * Reads a TREC collection folder (recursively; `.gz` files are read too): files whose name contains
 * `qrel` are judgements (one file: split `test`; several: one split each, named after the file), files
 * whose name contains `topic` are topics (`<top><num>…<title>…<desc>…</top>`), every other file is read
 * as SGML documents (`<DOC><DOCNO>…</DOCNO>…</DOC>`); files with no `<DOC>` at all are skipped with a warning.
 */
export async function readTrec(source: string, w: DatasetWriter, options: TrecOptions = {}): Promise<void> {
  const files = listFiles(source, true);
  const qrels = files.filter((f) => /qrel/i.test(path.basename(f)));
  const topics = files.filter((f) => /topic/i.test(path.basename(f)));
  const docs = files.filter((f) => !qrels.includes(f) && !topics.includes(f) && !/(^|\/)(readme|.*\.md)$/i.test(path.basename(f)));
  if (docs.length === 0) throw new InputError('no document files found', { file: source });
  if (topics.length === 0) throw new InputError('no topics file found (a file whose name contains "topic")', { file: source });
  if (qrels.length === 0) throw new InputError('no qrels file found (a file whose name contains "qrel")', { file: source });
  for (const file of docs) {
    if (await looksLikeDocuments(file)) await readDocuments(file, w);
    else w.log.warn(file, undefined, 'skipped: no <DOC> in its first 1000 lines');
  }
  for (const file of topics) await readTopics(file, w, options.topicField ?? 'title');
  for (const file of qrels) await readTrecQrels(file, qrels.length === 1 ? 'test' : splitName(file, path.basename(file)), w);
}
