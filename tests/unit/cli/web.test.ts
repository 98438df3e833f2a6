import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/main.ts';
import { captureIo } from '../../helpers/run-cli.ts';

function rendererDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lsr-renderer-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>shell</title>\n');
  return dir;
}

async function startAndStop(argv: string[]) {
  const { io, text } = captureIo();
  const controller = new AbortController();
  const status = runCli(argv, io, controller.signal);
  await expect.poll(() => text.out, { timeout: 10_000 }).toMatch(/\n$/);
  const url = text.out.trim();
  const res = await fetch(url);
  const page = { status: res.status, body: await res.text() };
  controller.abort(new Error('SIGTERM'));
  return { status: await status, url, page, text };
}

describe('lsr web', () => {
  it('prints the URL with its token alone on stdout, serves the page, and stops cleanly when signalled', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'lsr-home-'));
    const run = await startAndStop(['web', '--port', '0', '--renderer', rendererDir(), '--home', home]);
    expect(run.text.out.split('\n')).toEqual([run.url, '']);
    expect(run.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    expect(run.page).toEqual({ status: 200, body: '<!doctype html><title>shell</title>\n' });
    expect(run.status).toBe(0);
    expect(run.text.err).not.toContain('warning');
    expect(run.text.err).toContain('shutting down');
  });

  it('warns when listening beyond this machine', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'lsr-home-'));
    const run = await startAndStop(['web', '--host', '0.0.0.0', '--port', '0', '--renderer', rendererDir(), '--home', home]);
    expect(run.text.err).toContain('lsr web: warning: listening on 0.0.0.0, reachable from other machines');
    expect(run.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/);
    expect(run.status).toBe(0);
  });

  it('says how to build the renderer when it is missing (exit 2)', async () => {
    const { io, text } = captureIo();
    const empty = mkdtempSync(path.join(os.tmpdir(), 'lsr-empty-'));
    const status = await runCli(['web', '--renderer', empty, '--home', empty], io, new AbortController().signal);
    expect(status).toBe(2);
    expect(text.err).toContain(`${path.join(empty, 'index.html')} not found`);
    expect(text.err).toContain('npm run build:renderer');
    expect(text.out).toBe('');
  });

  it('refuses a bad port (exit 2 naming the flag)', async () => {
    const { io, text } = captureIo();
    const status = await runCli(['web', '--port', '70000'], io, new AbortController().signal);
    expect(status).toBe(2);
    expect(text.err).toContain('field "--port"');
  });
});
