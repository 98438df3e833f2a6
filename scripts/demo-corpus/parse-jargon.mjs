// The Jargon File 4.4.7 plain-text rendering (jargon-text's jargon.txt). Only the lexicon (Part II) is used.
// Body text is indented three spaces, paragraphs are separated by blank lines, and each entry starts with
//   :headword: /pronunciation/, n.
// Each letter section opens with a two-space-indented heading ("  A") followed by a list of that section's
// headwords, one per paragraph; that list is skipped up to the next entry header.
import { isProse, normalizeLine, stripShortTag } from './corpus-lines.mjs';

const ENTRY_HEADER = /^ {3}:(.+?):(?:\s|$)/;
const SECTION_HEADING = /^ {2}[0-9A-Z]\s*$/;
const PART_II = /^\s*Part\s+II\.\s+The Jargon Lexicon\s*$/u;
const PART_III = /^\s*Part\s+III\.\s+Appendices\s*$/u;
const SENSE_NUMBER = /^\d+\.\s+/;
const PART_OF_SPEECH = /^(?:(?:n|v|vt|vi|adj|adv|interj|excl|pref|suff|prep|conj|pron|abbrev|infix|num)\.[,\s]*)+/;

/** Removes the Jargon File's inline markup from one paragraph (already joined into one line). */
export function cleanJargonParagraph(text) {
  return normalizeLine(text)
    .replace(/\{([^{}]*)\}/g, '$1') // {cross-reference}
    .replace(/\s*\(\/[^()]*\/\)/g, '') // (/pro-nun'see-ay-shn/)
    .replace(/\s+([.,;:?!])/g, '$1');
}

/** Strips "2. ", "n. " and short usage tags such as "[Usenet]" or "[IRC; common]" from a sense's start. */
function stripSensePrefix(text) {
  const numbered = SENSE_NUMBER.test(text);
  const t = stripShortTag(text.replace(SENSE_NUMBER, '').replace(PART_OF_SPEECH, ''));
  return { text: t.trim(), numbered };
}

/** Groups lines into paragraphs separated by blank lines. */
function paragraphs(lines, from, to) {
  const out = [];
  let current = null;
  for (let i = from; i < to; i++) {
    const line = lines[i];
    if (line.trim() === '') {
      if (current) out.push(current);
      current = null;
    } else {
      if (!current) current = { lines: [] };
      current.lines.push(line);
    }
  }
  if (current) out.push(current);
  return out;
}

/**
 * The lexicon's prose, one paragraph per line. The first paragraph of an entry and each numbered sense are
 * prefixed with "headword: ". Paragraphs that are not prose (ASCII art, tables, code) are dropped.
 */
export function parseJargon(text) {
  const lines = text.split(/\r?\n/);
  let start = lines.findIndex((l) => PART_II.test(l));
  if (start < 0) start = 0;
  let end = lines.findIndex((l, i) => i > start && PART_III.test(l));
  if (end < 0) end = lines.length;

  const out = [];
  let headword = null;
  let firstOfEntry = false;
  for (const para of paragraphs(lines, start, end)) {
    let body = para.lines;
    const header = ENTRY_HEADER.exec(body[0]);
    if (header) {
      headword = normalizeLine(header[1]);
      firstOfEntry = true;
      body = body.slice(1);
      if (body.length === 0) continue;
    } else if (SECTION_HEADING.test(body[0]) && body.length === 1) {
      headword = null; // the section's headword list follows
      continue;
    }
    if (headword === null) continue;
    const joined = cleanJargonParagraph(body.join(' '));
    if (/Crunchly saga/.test(joined)) continue; // cartoon navigation notes
    if (!isProse(joined)) continue;
    const sense = stripSensePrefix(joined);
    if (sense.text === '') continue;
    const prefixed = firstOfEntry || sense.numbered;
    out.push(prefixed ? `${headword}: ${sense.text}` : sense.text);
    firstOfEntry = false;
  }
  return out;
}
