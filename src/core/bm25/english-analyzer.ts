import { stemmer } from 'stemmer';

/**
 * Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET (the classic 33-word English stop set, also
 * StopAnalyzer's and Anserini's default).
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(' '),
);

/** Lucene's StandardTokenizer default maximum token length; longer tokens are split at this length. */
const MAX_TOKEN_LENGTH = 255;

/**
 * Word tokens in the manner of Lucene's StandardTokenizer (Unicode UAX #29 word boundaries), approximated:
 * runs of letters, marks, digits and underscores; a `.`, `'`, `’` or `:` between two letters and a `.`,
 * `,`, `;`, `'` or `’` between two digits stay inside the token (`don't`, `u.s.a`, `3.14`, `1,000`);
 * everything else separates tokens. Not reproduced: UAX #29's special cases for Katakana, Hebrew letters,
 * emoji, and ideographs (which Lucene emits one character at a time).
 */
const TOKEN = /[\p{L}\p{M}\p{N}_]+(?:(?:(?<=\p{L})[.'’:](?=\p{L})|(?<=\p{N})[.,;'’](?=\p{N}))[\p{L}\p{M}\p{N}_]+)*/gu;

export function standardTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const t = m[0];
    if (t.length <= MAX_TOKEN_LENGTH) out.push(t);
    else for (let i = 0; i < t.length; i += MAX_TOKEN_LENGTH) out.push(t.slice(i, i + MAX_TOKEN_LENGTH));
  }
  return out;
}

/** EnglishPossessiveFilter: a trailing `'s` (apostrophe U+0027, U+2019 or U+FF07; `s` or `S`) is removed. */
function removePossessive(token: string): string {
  if (token.length >= 2) {
    const last = token[token.length - 1];
    const apostrophe = token[token.length - 2];
    if ((last === 's' || last === 'S') && (apostrophe === "'" || apostrophe === '\u2019' || apostrophe === '\uFF07')) return token.slice(0, -2);
  }
  return token;
}

export interface AnalyzerOptions {
  /** Stop words removed after lowercasing (default ENGLISH_STOP_WORDS; an empty set keeps every token). */
  stopWords?: ReadonlySet<string>;
  /** Porter stemming (default true). */
  stem?: boolean;
}

/**
 * The analysis chain of Lucene's EnglishAnalyzer: StandardTokenizer → EnglishPossessiveFilter →
 * LowerCaseFilter → StopFilter (ENGLISH_STOP_WORDS) → PorterStemFilter. Stemming is the original Porter
 * algorithm (Porter, 1980) as implemented by the `stemmer` package (the reference C version's behaviour,
 * words of one or two letters unchanged), which is the algorithm of Lucene's PorterStemFilter.
 */
export class EnglishAnalyzer {
  private readonly stopWords: ReadonlySet<string>;
  private readonly stem: boolean;
  private readonly cache = new Map<string, string>();

  constructor(options: AnalyzerOptions = {}) {
    this.stopWords = options.stopWords ?? ENGLISH_STOP_WORDS;
    this.stem = options.stem ?? true;
  }

  analyze(text: string): string[] {
    const out: string[] = [];
    for (const raw of standardTokens(text)) {
      const token = removePossessive(raw).toLowerCase();
      if (token === '' || this.stopWords.has(token)) continue;
      out.push(this.stem ? this.stemmed(token) : token);
    }
    return out;
  }

  private stemmed(token: string): string {
    let s = this.cache.get(token);
    if (s === undefined) {
      s = stemmer(token);
      if (this.cache.size < 1_000_000) this.cache.set(token, s);
    }
    return s;
  }

  /** The settings, for reports. */
  describe(): string {
    return `StandardTokenizer-like (UAX#29 approximation, max token 255) → EnglishPossessiveFilter → lowercase → ${
      this.stopWords === ENGLISH_STOP_WORDS ? 'Lucene English stop set (33 words)' : `${this.stopWords.size} stop words`
    } → ${this.stem ? 'Porter stemmer (npm stemmer 2.0.1)' : 'no stemming'}`;
  }
}
