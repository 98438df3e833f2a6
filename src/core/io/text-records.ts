import fs from 'node:fs';
import readline from 'node:readline';
import { InputError } from '../errors.ts';

/** One input text of the contract's JSONL form `{"id": "<string>", "text": "<string>"}`. */
export interface TextRecord {
  id: string;
  text: string;
  /** 1-based line in the file. */
  line: number;
}

/**
 * Reads `{"id", "text"}` JSONL (`-` = `stdin`), one record per non-blank line, `\n` or `\r\n` line ends.
 * A malformed line is an InputError naming the file, the line and the field.
 */
export async function* readTextRecords(file: string, stdin: NodeJS.ReadableStream = process.stdin): AsyncGenerator<TextRecord> {
  const name = file === '-' ? '<stdin>' : file;
  let input: NodeJS.ReadableStream;
  if (file === '-') input = stdin;
  else {
    try {
      if (!fs.statSync(file).isFile()) throw new Error('not a file');
    } catch {
      throw new InputError('input file not found', { file });
    }
    input = fs.createReadStream(file, { encoding: 'utf8' });
  }
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const raw of lines) {
      lineNo++;
      const text = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') continue;
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch {
        throw new InputError('not valid JSON', { file: name, line: lineNo });
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
        throw new InputError('expected an object {"id": …, "text": …}', { file: name, line: lineNo });
      }
      const rec = obj as Record<string, unknown>;
      if (typeof rec.id !== 'string') throw new InputError(`expected a string, got ${JSON.stringify(rec.id) ?? 'nothing'}`, { file: name, line: lineNo, field: 'id' });
      if (typeof rec.text !== 'string') {
        throw new InputError(`expected a string, got ${JSON.stringify(rec.text) ?? 'nothing'}`, { file: name, line: lineNo, field: 'text' });
      }
      yield { id: rec.id, text: rec.text, line: lineNo };
    }
  } finally {
    lines.close();
  }
}
