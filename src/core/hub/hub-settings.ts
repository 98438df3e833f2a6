import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

/** What the caller may set explicitly; anything left out comes from the environment as huggingface_hub reads it. */
export interface HubSettingsOverrides {
  cacheDir?: string;
  endpoint?: string;
  token?: string;
  offline?: boolean;
}

export interface HubSettings {
  cacheDir: string;
  endpoint: string;
  token: string | undefined;
  offline: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Resolves the hub settings the way huggingface_hub's constants do:
 * cache: HF_HUB_CACHE, else HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub;
 * endpoint: HF_ENDPOINT (trailing '/' dropped); token: HF_TOKEN, else the file `huggingface-cli login` writes
 * (HF_TOKEN_PATH, else HF_HOME/token); offline: HF_HUB_OFFLINE in 1/ON/YES/TRUE.
 */
export function resolveHubSettings(overrides: HubSettingsOverrides = {}, env: Env = process.env): HubSettings {
  const hfHome = expandHome(
    nonEmpty(env.HF_HOME) ?? path.join(nonEmpty(env.XDG_CACHE_HOME) ?? path.join(os.homedir(), '.cache'), 'huggingface'),
  );
  const cacheDir = overrides.cacheDir ?? nonEmpty(env.HF_HUB_CACHE) ?? path.join(hfHome, 'hub');
  const endpoint = (overrides.endpoint ?? nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const token = nonEmpty(overrides.token) ?? nonEmpty(env.HF_TOKEN) ?? readTokenFile(env.HF_TOKEN_PATH, hfHome);
  const offline = overrides.offline ?? isTrue(env.HF_HUB_OFFLINE);
  return { cacheDir: path.resolve(expandHome(cacheDir)), endpoint, token, offline };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['1', 'ON', 'YES', 'TRUE'].includes(value.trim().toUpperCase());
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

function readTokenFile(tokenPath: string | undefined, hfHome: string): string | undefined {
  const file = expandHome(nonEmpty(tokenPath) ?? path.join(hfHome, 'token'));
  try {
    return nonEmpty(readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
}
