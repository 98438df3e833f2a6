// Line-level helpers shared by the demo-corpus parsers: whitespace/Unicode normalization, a prose filter,
// deduplication, the held-out split and per-source statistics.
import { createHash } from 'node:crypto';

export function normalizeLine(text) {
  return text.normalize('NFC').replace(/[\s\u00a0\u200b\ufeff]+/gu, ' ').trim();
}

// The SMART collections are pre-tokenized ("slipstream ." / "( tic )"); glue punctuation back to its word.
export function detokenizePunctuation(text) {
  return text.replace(/\s+([.,;:?!)\]])/g, '$1').replace(/([([])\s+/g, '$1');
}

export function capitalizeFirst(text) {
  return text.length > 0 ? text[0].toUpperCase() + text.slice(1) : text;
}

export function endSentence(text) {
  const t = text.trim();
  if (t === '') return t;
  return /[.!?]["')\]”’]*$/.test(t) ? t : `${t}.`;
}

// True for running text, false for ASCII art, tables, code and bare word lists.
export function isProse(text, minWords = 3) {
  const words = text.split(' ').filter((w) => w !== '');
  if (words.length < minWords) return false;
  const visible = text.replace(/\s/g, '');
  const letters = visible.match(/\p{L}/gu)?.length ?? 0;
  return letters / visible.length >= 0.75;
}

/** Drops a leading bracketed tag of at most three words, such as "[Latin]" or "[IRC; common]". */
export function stripShortTag(text) {
  const tag = /^\[([^\]]*)\]\s*/.exec(text);
  return tag && tag[1].trim().split(/\s+/).length <= 3 ? text.slice(tag[0].length) : text;
}

export function countWords(text) {
  return text === '' ? 0 : text.split(' ').length;
}

export function countChars(text) {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Normalizes, drops empty lines and keeps the first occurrence of each line across all sources (in order). */
export function dedupeSources(sources) {
  const seen = new Set();
  return sources.map((source) => {
    const lines = [];
    let duplicates = 0;
    for (const raw of source.lines) {
      const line = normalizeLine(raw);
      if (line === '') continue;
      if (seen.has(line)) {
        duplicates++;
        continue;
      }
      seen.add(line);
      lines.push(line);
    }
    return { ...source, lines, duplicates };
  });
}

export function heldoutKey(seed, line) {
  return createHash('sha256').update(`${seed}\n${line}`, 'utf8').digest('hex');
}

/**
 * Marks ceil(fraction * n) lines as held out: those whose sha256(seed + line) sorts first. Membership depends only
 * on the seed and the line itself plus the count, so it is fixed for a fixed corpus and does not depend on order.
 */
export function selectHeldout(lines, seed, fraction) {
  const count = Math.ceil(lines.length * fraction);
  const keyed = lines.map((line, index) => ({ key: heldoutKey(seed, line), index }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
  return new Set(keyed.slice(0, count).map((k) => k.index));
}

export function textStats(lines) {
  let characters = 0;
  let words = 0;
  for (const line of lines) {
    characters += countChars(line);
    words += countWords(line);
  }
  return { lines: lines.length, characters, words };
}
