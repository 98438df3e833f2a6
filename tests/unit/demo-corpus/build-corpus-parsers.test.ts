import { describe, expect, it } from 'vitest';
import {
  dedupeSources,
  normalizeLine,
  selectHeldout,
  textStats,
} from '../../../scripts/demo-corpus/corpus-lines.mjs';
import { decodeDictNumber, parseDevilDictionary, parseDictIndex } from '../../../scripts/demo-corpus/parse-dict.mjs';
import { parseJargon } from '../../../scripts/demo-corpus/parse-jargon.mjs';
import { parseSmart, smartDocumentLines } from '../../../scripts/demo-corpus/parse-smart.mjs';
import { parseWordnetData, parseWordnetLine } from '../../../scripts/demo-corpus/parse-wordnet.mjs';

describe('WordNet data lines', () => {
  it('skips the license header (two leading spaces)', () => {
    expect(parseWordnetLine('  1 This software and database is being provided to you, the LICENSEE, by  ')).toBeNull();
    expect(parseWordnetLine('  5   ')).toBeNull();
  });

  it('turns lemmas, definitions and quoted examples into sentences', () => {
    const breathe =
      '00001740 29 v 04 breathe 0 take_a_breath 0 respire 0 suspire 3 021 * 00005041 v 0000 * 00004227 v 0000 ' +
      '+ 03110323 a 0301 + 00831191 n 0303 + 04080833 n 0301 + 04250850 n 0105 + 00831191 n 0101 ^ 00004227 v 0103 ' +
      '^ 00005041 v 0103 $ 00002325 v 0000 $ 00002573 v 0000 ~ 00002573 v 0000 ~ 00002724 v 0000 ~ 00002942 v 0000 ' +
      '~ 00003826 v 0000 ~ 00004032 v 0000 ~ 00004227 v 0000 ~ 00005041 v 0000 ~ 00006697 v 0000 ~ 00007328 v 0000 ' +
      '~ 00017031 v 0000 02 + 02 00 + 08 00 | draw air into, and expel out of, the lungs; ' +
      '"I can breathe better when the air is clean"; "The patient is respiring"  ';
    expect(parseWordnetLine(breathe)).toBe(
      'breathe, take a breath, respire, suspire: draw air into, and expel out of, the lungs. ' +
        'I can breathe better when the air is clean. The patient is respiring.',
    );
  });

  it('drops adjective markers and example attributions, keeps semicolons inside quotes, rewrites `x\' quoting', () => {
    const abstemious =
      '02401864 00 s 02 abstemious 0 light(a) 0 002 & 02401591 a 0000 + 05114262 n 0101 | marked by temperance ' +
      'in indulgence; "abstemious with the use of adverbs"; "a light eater"  ';
    expect(parseWordnetLine(abstemious)).toBe(
      'abstemious, light: marked by temperance in indulgence. Abstemious with the use of adverbs. A light eater.',
    );
    const attributed =
      '00009046 00 a 01 abstemious 0 006 ^ 01299888 a 0000 = 04883942 n 0000 + 04883942 n 0101 ! 00009978 a 0101 ' +
      '& 00009346 a 0000 & 00009618 a 0000 | sparing in consumption of especially food and drink; "the pleasures ' +
      'of the table, never of much consequence to one naturally abstemious"- John Galsworthy  ';
    expect(parseWordnetLine(attributed)).toBe(
      'abstemious: sparing in consumption of especially food and drink. The pleasures of the table, never of much ' +
        'consequence to one naturally abstemious.',
    );
    const dead =
      '00095280 00 s 01 dead 0 001 & 00094448 a 0000 | devoid of activity; not lively; ' +
      '"this is a dead town; nothing ever happens here"  ';
    expect(parseWordnetLine(dead)).toBe(
      'dead: devoid of activity; not lively. This is a dead town; nothing ever happens here.',
    );
    const unable =
      "00002098 00 a 01 unable(p) 0 002 = 05200169 n 0000 ! 00001740 a 0101 | (usually followed by `to') not " +
      'having the necessary means or skill or know-how; "unable to get to town without a car"  ';
    expect(parseWordnetLine(unable)).toBe(
      "unable: (usually followed by 'to') not having the necessary means or skill or know-how. " +
        'Unable to get to town without a car.',
    );
  });

  it('reads a whole file and names the file and line of a malformed synset', () => {
    const text = '  1 license line  \n00001930 03 n 01 physical_entity 0 000 | an entity that has physical existence  \n';
    expect(parseWordnetData(text, 'data.noun')).toEqual(['physical entity: an entity that has physical existence.']);
    expect(() => parseWordnetData('  1 header\nnot a synset line\n', 'data.verb')).toThrow(/^data\.verb:2: /);
  });
});

describe('Jargon File lexicon', () => {
  const jargon = [
    '   Eric Raymond <esr@thyrsus.com>',
    '',
    '                          Part\u00a0II.\u00a0The Jargon Lexicon',
    '',
    '   The Crunchly saga begins here.',
    '',
    '   Glossary',
    '',
    '  0',
    '',
    '   /dev/null',
    '',
    '  A',
    '',
    '   abbrev',
    '',
    '   ACK',
    '',
    '   :/dev/null: /dev·nuhl/, n.',
    '',
    '   [from the Unix null device, used as a data sink] A notional ‘black hole’',
    '   in any information space. See {bit bucket}.',
    '',
    '   :abbrev: /@·breev´/, /@·brev´/, n.',
    '',
    '   Common abbreviation for ‘abbreviation’.',
    '',
    "   Also called ad-hackery, ad-hocity (/ad-hos'@-tee/), ad-crockery.",
    '',
    '   :ACK: /ak/, interj.',
    '',
    '   1. interj. [IRC; common] Acknowledge. Used to',
    "   register one's presence (compare mainstream Yo!).",
    '',
    '   2. [from the comic strip Bloom County] An exclamation of surprised',
    '   disgust, esp. in “Ack pffft!”',
    '',
    '   There is also a usage “ACK?” (from sense 1) meaning “Are you there?”',
    '',
    '     +--------+',
    '     | ACK!   |',
    '     +--------+',
    '',
    '   (The next cartoon in the Crunchly saga is 74-08-18. The previous one is',
    '   73-07-29.)',
    '',
    '                             Part III. Appendices',
    '',
    '   The Meaning of ‘Hack’ is told here at some length.',
    '',
  ].join('\n');

  it('keeps entry prose only, with headword prefixes, markup and section lists removed', () => {
    expect(parseJargon(jargon)).toEqual([
      '/dev/null: [from the Unix null device, used as a data sink] A notional ‘black hole’ in any information ' +
        'space. See bit bucket.',
      'abbrev: Common abbreviation for ‘abbreviation’.',
      'Also called ad-hackery, ad-hocity, ad-crockery.',
      "ACK: Acknowledge. Used to register one's presence (compare mainstream Yo!).",
      'ACK: [from the comic strip Bloom County] An exclamation of surprised disgust, esp. in “Ack pffft!”',
      'There is also a usage “ACK?” (from sense 1) meaning “Are you there?”',
    ]);
  });
});

describe("dictd Devil's Dictionary", () => {
  it('decodes dictd base64 numbers (checked on the real devil.index: the alphabet entry ends at the file size)', () => {
    expect(decodeDictNumber('A')).toBe(0);
    expect(decodeDictNumber('6')).toBe(58);
    expect(decodeDictNumber('/9')).toBe(63 * 64 + 61);
    // 00databasealphabet BdqM c  -> 383628 + 28 = 383656 = size of the uncompressed devil.dict
    expect(decodeDictNumber('BdqM') + decodeDictNumber('c')).toBe(383656);
    expect(() => parseDictIndex('abatis\t6\tB*\n', 'devil.index')).toThrow(/^devil\.index:1: /);
  });

  it('cuts entries at their index offsets and turns each into headword-prefixed lines', () => {
    const dict =
      "00-database-short\n     The Devil's Dictionary (1881-1906)\n" + // 0, 58
      'ABATIS, n.  Rubbish in front of a fort, to prevent the rubbish outside\n' +
      'from molesting the rubbish inside.\n\n' + // 58, 107
      'CUI BONO?  [Latin]  What good would that do _me_?\n\n' + // 165, 51
      'LAW, n.\n\n    Once Law was sitting on the bench,\n        And Mercy knelt a-weeping.\n' +
      '                                                                  G.J.\n\n' + // 216, 155
      'T, the twentieth letter of the English alphabet, was by the Greeks\n' +
      'absurdly called _tau_. See {ALPHABET}.\n'; // 371, 106
    const index = '00databaseshort\tA\t6\nabatis\t6\tBr\ncui bono\tCl\tz\nlaw\tDY\tCb\nt\tFz\tBq\n';
    expect(parseDictIndex(index)).toEqual([
      { headword: '00databaseshort', offset: 0, length: 58 },
      { headword: 'abatis', offset: 58, length: 107 },
      { headword: 'cui bono', offset: 165, length: 51 },
      { headword: 'law', offset: 216, length: 155 },
      { headword: 't', offset: 371, length: 106 },
    ]);
    expect(parseDevilDictionary(Buffer.from(dict, 'utf8'), index)).toEqual([
      'abatis: Rubbish in front of a fort, to prevent the rubbish outside from molesting the rubbish inside.',
      'cui bono: What good would that do me?',
      'law: Once Law was sitting on the bench, And Mercy knelt a-weeping.',
      'T, the twentieth letter of the English alphabet, was by the Greeks absurdly called tau. See ALPHABET.',
    ]);
  });
});

describe('SMART records', () => {
  const crlf = [
    '.I 1',
    '.T',
    'experimental investigation of the aerodynamics of a',
    'wing in a slipstream .',
    '.A',
    'brenckman,m.',
    '.B',
    'j. ae. scs. 25, 1958, 324.',
    '.W',
    'experimental investigation of the aerodynamics of a',
    'wing in a slipstream .',
    '  an experimental study of a wing in a propeller slipstream was',
    'made ( in part ) .',
    '.I 2',
    '.T',
    'the ibm dsd technical information center',
    '.W',
    'the ibm data systems division technical   ',
    ' information center (tic) provides a system .   ',
    '.I 471',
    '.T',
    '.A',
    '.B',
    '.W',
    '.I 3',
    '.W',
    'correlation between maternal and fetal plasma levels of glucose and free',
    'fatty acids .  ',
    '',
  ].join('\r\n');

  it('reads records and fields from CRLF text', () => {
    const records = parseSmart(crlf, 'MED.ALL');
    expect(records.map((r) => r.id)).toEqual(['1', '2', '471', '3']);
    expect(records[0].fields.A).toBe('brenckman,m.');
    expect(records[0].fields.T).toBe('experimental investigation of the aerodynamics of a\nwing in a slipstream .');
    expect(records[2].fields).toEqual({ T: '', A: '', B: '', W: '' });
  });

  it('makes one line per non-empty document, the title dropped where the text repeats it', () => {
    expect(smartDocumentLines(parseSmart(crlf))).toEqual([
      'experimental investigation of the aerodynamics of a wing in a slipstream. an experimental study of a ' +
        'wing in a propeller slipstream was made (in part).',
      'the ibm dsd technical information center. the ibm data systems division technical information center ' +
        '(tic) provides a system.',
      'correlation between maternal and fetal plasma levels of glucose and free fatty acids.',
    ]);
  });

  it('names the file and line of text outside a record or field', () => {
    expect(() => parseSmart('stray text\r\n.I 1\r\n', 'ADI.ALL')).toThrow(/^ADI\.ALL:1: text before the first \.I/);
    expect(() => parseSmart('.I 1\nloose\n', 'ADI.ALL')).toThrow(/^ADI\.ALL:2: field \.I 1: text outside/);
  });
});

describe('corpus lines', () => {
  it('normalizes whitespace and deduplicates across sources, first occurrence kept', () => {
    expect(normalizeLine('  a\u00a0 b\t\tc  ')).toBe('a b c');
    const out = dedupeSources([
      { id: 'x', lines: ['one  two', 'three', ' ', 'one two'] },
      { id: 'y', lines: ['three', 'four'] },
    ]);
    expect(out.map((s) => [s.id, s.lines, s.duplicates])).toEqual([
      ['x', ['one two', 'three'], 1],
      ['y', ['four'], 1],
    ]);
    expect(textStats(['one two', 'naïve café'])).toEqual({ lines: 2, characters: 17, words: 4 });
  });

  it('holds out the ceil(fraction * n) lines with the smallest sha256(seed + "\\n" + line)', () => {
    // sha256sum of "seed\n<line>": alpha 2688ca62…, beta 83a0c490…, gamma 3fd16b4d…, delta 586ef844…
    const lines = ['alpha', 'beta', 'gamma', 'delta'];
    expect([...selectHeldout(lines, 'seed', 0.5)].sort()).toEqual([0, 2]);
    expect([...selectHeldout(lines, 'seed', 0.6)].sort()).toEqual([0, 2, 3]);
    expect([...selectHeldout(lines, 'seed', 0.01)]).toEqual([0]);
  });
});
