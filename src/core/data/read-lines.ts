import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';

/** One line of a text file, without its line end (`\n` or `\r\n`), numbered from 1. */
export interface NumberedLine {
  text: string;
  line: number;
}

/** Opens a file for reading, gunzipping it when the name ends in `.gz`; `-` is stdin. */
export function openText(file: string, stdin?: NodeJS.ReadableStream): Readable {
  if (file === '-') {
    if (!stdin) throw new Error('stdin is not available here');
    return stdin as Readable;
  }
  const raw = fs.createReadStream(file);
  return file.endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
}

/** Streams a text file line by line; `\r\n` and `\n` alike, a lone trailing `\r` is dropped. */
export async function* readLines(file: string, stdin?: NodeJS.ReadableStream): AsyncGenerator<NumberedLine> {
  const input = openText(file, stdin);
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of rl) {
      line++;
      yield { text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, line };
    }
  } finally {
    // Stopping early (a `break` in the caller) must not leave the file open.
    rl.close();
    if (file !== '-') input.destroy();
  }
}

/** Splits whole-file text into lines (`\n` or `\r\n`), dropping the empty piece after a final line end. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}
