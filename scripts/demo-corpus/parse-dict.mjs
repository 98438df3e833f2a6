// dictd databases (dictfmt): NAME.index holds "headword<TAB>offset<TAB>length" per line, offset and length in
// bytes of the uncompressed NAME.dict, written in dictd's base64 digits (A-Z a-z 0-9 + /, most significant
// first). NAME.dict.dz is dictzip, which is gzip-compatible. Headwords starting with "00database" are metadata.
import { isProse, normalizeLine, stripShortTag } from './corpus-lines.mjs';

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function decodeDictNumber(text) {
  let n = 0;
  for (const c of text) {
    const d = DIGITS.indexOf(c);
    if (d < 0) throw new Error(`invalid dictd base64 digit '${c}' in '${text}'`);
    n = n * 64 + d;
  }
  return n;
}

export function parseDictIndex(text, file = 'index') {
  const entries = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line === '') return;
    const fields = line.split('\t');
    const where = `${file}:${i + 1}`;
    if (fields.length < 3) throw new Error(`${where}: expected headword<TAB>offset<TAB>length`);
    let offset;
    let length;
    try {
      offset = decodeDictNumber(fields[1]);
      length = decodeDictNumber(fields[2]);
    } catch (err) {
      throw new Error(`${where}: ${err instanceof Error ? err.message : String(err)}`);
    }
    entries.push({ headword: fields[0], offset, length });
  });
  return entries;
}

// "ABASEMENT, n.", "EXHORT, v.t.", "INFERIAE,n.", "ABRACADABRA.", "CUI BONO?"; not "T, the twentieth letter".
const DEVIL_HEAD = /^[A-Z][A-Z0-9'’ .-]*?(?:\s*,\s*[a-z]+\.(?:,?\s?[a-z]+\.)*|[.?!])(?=\s|$)/;

function cleanDevilText(text) {
  return normalizeLine(text)
    .replace(/_([^_]+)_/g, '$1') // _italics_
    .replace(/\{([^{}]*)\}/g, '$1'); // {CROSS-REFERENCE}
}

/**
 * One Devil's Dictionary entry (its text from the .dict) to corpus lines, one per blank-line-separated
 * paragraph. Verse lines are joined; right-aligned attributions ("G.J.") are dropped. The first paragraph
 * loses its "HEADWORD, n." and is prefixed with "headword: ".
 */
export function devilEntryLines(headword, entryText) {
  const paragraphs = [];
  let current = [];
  for (const line of entryText.split(/\r?\n/)) {
    if (line.trim() === '') {
      if (current.length > 0) paragraphs.push(current);
      current = [];
    } else if (!/^ {20,}\S/.test(line)) {
      current.push(line);
    }
  }
  if (current.length > 0) paragraphs.push(current);

  const out = [];
  let pendingHead = false;
  paragraphs.forEach((para, i) => {
    let text = cleanDevilText(para.join(' '));
    if (i === 0) {
      const head = DEVIL_HEAD.exec(text);
      if (head) {
        text = stripShortTag(text.slice(head[0].length).trim());
        pendingHead = true;
      }
    }
    if (text === '' || !isProse(text, 2)) return;
    if (pendingHead) {
      out.push(`${headword}: ${text}`);
      pendingHead = false;
    } else {
      out.push(text);
    }
  });
  return out;
}

/** All entries of a dictd database, in index order; metadata entries are skipped. */
export function parseDevilDictionary(dictBytes, indexText, indexFile = 'index') {
  const out = [];
  for (const entry of parseDictIndex(indexText, indexFile)) {
    if (entry.headword.startsWith('00database')) continue;
    if (entry.offset + entry.length > dictBytes.length) {
      throw new Error(`${indexFile}: entry '${entry.headword}' points past the end of the .dict`);
    }
    const text = Buffer.from(dictBytes.subarray(entry.offset, entry.offset + entry.length)).toString('utf8');
    out.push(...devilEntryLines(entry.headword, text));
  }
  return out;
}
