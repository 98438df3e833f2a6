import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { serveStdio } from '../../../src/core/api/stdio-server.ts';

describe('stdio API server', () => {
  it('answers calls by id and refuses bad params and unknown methods', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d: Buffer) => (text += d.toString()));
    const done = serveStdio('/tmp/lsr-home-test', '9.9.9', input, output);
    input.write('{"id":1,"method":"app.info","params":{}}\n');
    input.write('not json\n');
    input.write('{"id":2,"method":"app.info","params":{"x":1}}\n');
    input.end('{"id":3,"method":"nope","params":{}}\n');
    await done;
    const replies = text.trim().split('\n').map((l) => JSON.parse(l) as { id: number; ok: boolean; result?: { version: string; home: string }; error?: { code: string; message: string } });
    const byId = new Map(replies.map((r) => [r.id, r]));
    expect(byId.get(1)?.result?.version).toBe('9.9.9');
    expect(byId.get(1)?.result?.home).toBe('/tmp/lsr-home-test');
    expect(byId.get(2)?.error).toEqual({ code: 'bad_request', message: 'app.info: params.x is not expected' });
    expect(byId.get(3)?.error?.code).toBe('not_found');
  });
});
