// WordNet 3.0 data.{noun,verb,adj,adv} (wndb(5WN)): one synset per line,
//   offset lex_filenum ss_type w_cnt(2 hex digits) {word lex_id}... p_cnt {pointer}... [frames] | gloss
// The gloss is definitions and quoted examples separated by "; ". Each synset becomes one line:
//   "lemma, other lemma: definition; definition. Example sentence. Example sentence."
import { capitalizeFirst, endSentence } from './corpus-lines.mjs';

/** Splits a gloss at ';' outside double quotes. */
export function splitGloss(gloss) {
  const parts = [];
  let inQuote = false;
  let start = 0;
  for (let i = 0; i < gloss.length; i++) {
    const c = gloss[i];
    if (c === '"') inQuote = !inQuote;
    else if (c === ';' && !inQuote) {
      parts.push(gloss.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(gloss.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function cleanGlossText(text) {
  // `to' is WordNet's quoting of a cited word.
  return text.replace(/`([^`']*)'/g, "'$1'").replace(/`/g, "'");
}

/** The gloss as sentences: definitions joined by "; " and ended, then each example as its own sentence. */
export function glossToText(gloss) {
  const definitions = [];
  const examples = [];
  for (const part of splitGloss(gloss)) {
    if (part.startsWith('"')) {
      // An example, possibly followed by an attribution: "text"- Author
      const close = part.lastIndexOf('"');
      const quoted = (close > 0 ? part.slice(1, close) : part.slice(1)).trim();
      if (quoted !== '') examples.push(endSentence(capitalizeFirst(cleanGlossText(quoted))));
    } else {
      definitions.push(cleanGlossText(part));
    }
  }
  const sentences = [];
  if (definitions.length > 0) sentences.push(endSentence(definitions.join('; ')));
  return [...sentences, ...examples].join(' ');
}

export function lemmaText(word) {
  return word.replace(/\((?:a|p|ip)\)$/, '').replace(/_/g, ' ');
}

/** One data-file line to one corpus line; null for the license header (lines starting with two spaces). */
export function parseWordnetLine(line) {
  if (line.startsWith('  ') || line.trim() === '') return null;
  const bar = line.indexOf(' | ');
  if (bar < 0) throw new Error(`not a WordNet synset line (no " | " gloss separator): ${line.slice(0, 60)}`);
  const fields = line.slice(0, bar).trim().split(/\s+/);
  const wordCount = Number.parseInt(fields[3], 16);
  if (!/^\d{8}$/.test(fields[0]) || !Number.isFinite(wordCount) || fields.length < 4 + 2 * wordCount) {
    throw new Error(`malformed WordNet synset header: ${line.slice(0, 60)}`);
  }
  const lemmas = [];
  for (let i = 0; i < wordCount; i++) {
    const lemma = lemmaText(fields[4 + 2 * i]);
    if (!lemmas.includes(lemma)) lemmas.push(lemma);
  }
  const gloss = glossToText(line.slice(bar + 3).trim());
  if (gloss === '') return null;
  return `${lemmas.join(', ')}: ${gloss}`;
}

export function parseWordnetData(text, file = 'data') {
  const out = [];
  text.split(/\r?\n/).forEach((line, i) => {
    let parsed;
    try {
      parsed = parseWordnetLine(line);
    } catch (err) {
      throw new Error(`${file}:${i + 1}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (parsed !== null) out.push(parsed);
  });
  return out;
}
