import { randomInt } from 'node:crypto';

/** Crockford base32 in lowercase: ASCII order equals numeric order, and no i/l/o/u to misread. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 9; // 32^9 ms ≈ 1100 years from 1970
const RANDOM_CHARS = 3;
const RANDOM_LIMIT = 32 ** RANDOM_CHARS;

let lastMs = -1;
let lastRandom = 0;

function encode(value: number, width: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[v % 32] + out;
    v = Math.floor(v / 32);
  }
  return out;
}

/**
 * A short id (12 characters) that sorts by creation time: milliseconds, then a random suffix. Ids made in one
 * process are strictly increasing even within a millisecond; across processes the random suffix (and the
 * table's primary key, which makes the caller retry) keep them unique.
 */
export function newId(nowMs: number = Date.now()): string {
  let ms = Math.max(Math.floor(nowMs), 0);
  let random: number;
  if (ms <= lastMs) {
    ms = lastMs;
    random = lastRandom + 1;
    if (random >= RANDOM_LIMIT) {
      ms += 1;
      random = randomInt(RANDOM_LIMIT / 2);
    }
  } else {
    // Leave headroom above the first suffix so ids made later in the same millisecond still fit.
    random = randomInt(RANDOM_LIMIT / 2);
  }
  lastMs = ms;
  lastRandom = random;
  return encode(ms, TIME_CHARS) + encode(random, RANDOM_CHARS);
}

export const ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{12}$/;
