import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stdioTransport } from './support/stdio-client.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the `lsr serve --stdio` process Electron starts', () => {
  it('answers over its stdin/stdout and exits when stdin closes', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'lsr-stdio-'));
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/lsr.mjs'), 'serve', '--stdio', '--home', home], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const transport = stdioTransport(child.stdin, child.stdout);
    const info = await transport.call('app.info', {});
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(info).toMatchObject({ version: pkg.version, home });
    await expect(transport.call('app.info', { x: 1 } as never)).rejects.toMatchObject({ code: 'bad_request', message: 'app.info: params.x is not expected' });
    child.stdin.end();
    expect(await exited).toBe(0);
  });
});
