import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';

/** Line output to `--output FILE` or stdout, respecting back-pressure. */
export interface LineSink {
  write(line: string): Promise<void>;
  close(): Promise<void>;
}

export function openLineSink(file: string | undefined, stdout: NodeJS.WritableStream): LineSink {
  let stream: NodeJS.WritableStream;
  let owned = false;
  if (file === undefined || file === '-') stream = stdout;
  else {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    stream = fs.createWriteStream(file);
    owned = true;
  }
  return {
    async write(line: string) {
      if (!stream.write(line + '\n')) await once(stream, 'drain');
    },
    async close() {
      if (!owned) return;
      await new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.end(() => resolve());
      });
    },
  };
}

/** The shortest decimal that reads back as the same float32 (weights are float32; no need for 17 digits). */
export function float32Json(v: number): number {
  const f = Math.fround(v);
  for (let p = 6; p < 9; p++) {
    const n = Number(f.toPrecision(p));
    if (Math.fround(n) === f) return n;
  }
  return Number(f.toPrecision(9));
}
