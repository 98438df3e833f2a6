import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveHubSettings } from '../../../src/core/hub/hub-settings.ts';

describe('resolveHubSettings', () => {
  const home = os.homedir();

  it('defaults to ~/.cache/huggingface/hub, huggingface.co, no token, online', () => {
    expect(resolveHubSettings({}, { HF_TOKEN_PATH: '/nonexistent/token' })).toEqual({
      cacheDir: path.join(home, '.cache', 'huggingface', 'hub'),
      endpoint: 'https://huggingface.co',
      token: undefined,
      offline: false,
    });
  });

  it('follows HF_HUB_CACHE over HF_HOME over XDG_CACHE_HOME, and an explicit option over all', () => {
    const env = { HF_HUB_CACHE: '/c/hub', HF_HOME: '/h', XDG_CACHE_HOME: '/x', HF_TOKEN_PATH: '/nonexistent' };
    expect(resolveHubSettings({}, env).cacheDir).toBe('/c/hub');
    expect(resolveHubSettings({}, { ...env, HF_HUB_CACHE: undefined }).cacheDir).toBe('/h/hub');
    expect(resolveHubSettings({}, { XDG_CACHE_HOME: '/x', HF_TOKEN_PATH: '/nonexistent' }).cacheDir).toBe('/x/huggingface/hub');
    expect(resolveHubSettings({ cacheDir: '/opt/c' }, env).cacheDir).toBe('/opt/c');
    expect(resolveHubSettings({}, { HF_HOME: '~/hf', HF_TOKEN_PATH: '/nonexistent' }).cacheDir).toBe(path.join(home, 'hf', 'hub'));
  });

  it('reads HF_ENDPOINT (without a trailing slash) and HF_TOKEN', () => {
    const s = resolveHubSettings({}, { HF_ENDPOINT: 'https://mirror.example/', HF_TOKEN: 'hf_abc' });
    expect(s.endpoint).toBe('https://mirror.example');
    expect(s.token).toBe('hf_abc');
    expect(resolveHubSettings({ token: 'hf_opt' }, { HF_TOKEN: 'hf_abc' }).token).toBe('hf_opt');
  });

  it('falls back to the token file huggingface-cli login writes under HF_HOME', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lsr-hfhome-'));
    await fs.writeFile(path.join(dir, 'token'), 'hf_from_file\n');
    expect(resolveHubSettings({}, { HF_HOME: dir }).token).toBe('hf_from_file');
    await fs.rm(dir, { recursive: true });
  });

  it('treats HF_HUB_OFFLINE as huggingface_hub does (1/ON/YES/TRUE, any case)', () => {
    for (const v of ['1', 'on', 'YES', 'true']) expect(resolveHubSettings({}, { HF_HUB_OFFLINE: v }).offline).toBe(true);
    for (const v of ['0', 'no', '', 'false']) expect(resolveHubSettings({}, { HF_HUB_OFFLINE: v }).offline).toBe(false);
    expect(resolveHubSettings({ offline: false }, { HF_HUB_OFFLINE: '1' }).offline).toBe(false);
  });
});
