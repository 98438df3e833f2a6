import fs from 'node:fs';
import { once } from 'node:events';

/**
 * Lines written to `<file>.partial`, renamed to `file` on `commit()`; `abort()` removes the partial file, so
 * a cancelled export never leaves a complete-looking file behind.
 */
export class PartialLineFile {
  private readonly partial: string;
  private readonly stream: fs.WriteStream;

  constructor(readonly file: string) {
    this.partial = `${file}.partial`;
    this.stream = fs.createWriteStream(this.partial);
  }

  async write(line: string): Promise<void> {
    if (!this.stream.write(line + '\n')) await once(this.stream, 'drain');
  }

  private close(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.stream.closed) return resolve();
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
  }

  async commit(): Promise<void> {
    await this.close();
    fs.renameSync(this.partial, this.file);
  }

  async abort(): Promise<void> {
    await this.close().catch(() => {});
    fs.rmSync(this.partial, { force: true });
  }
}
