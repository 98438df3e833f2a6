// Fetching and unpacking the Debian packages the demo corpus draws on, without installing them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.error) return { ok: false, out: `${cmd}: ${r.error.message}` };
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

function findDeb(dir, name) {
  const hit = readdirSync(dir)
    .filter((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'))
    .sort();
  return hit.length > 0 ? path.join(dir, hit[hit.length - 1]) : undefined;
}

/**
 * Downloads `name` (pinned to `version` first) into `dir` with `apt-get download`; on failure runs
 * `apt-get update` (as root) and tries again, then falls back to whatever version the archive offers.
 * Returns { file, pinned }.
 */
export function downloadDeb(dir, name, version, log) {
  const attempt = (spec) => run('apt-get', ['download', spec], dir);
  let r = attempt(`${name}=${version}`);
  if (!r.ok && typeof process.getuid === 'function' && process.getuid() === 0) {
    log(`apt-get download ${name}=${version} failed; running apt-get update`);
    const u = run('apt-get', ['update'], dir);
    if (!u.ok) log(`apt-get update failed: ${u.out.split('\n').slice(-2).join(' ')}`);
    r = attempt(`${name}=${version}`);
  }
  let pinned = true;
  if (!r.ok) {
    log(`WARNING: ${name}=${version} is not available (${r.out.split('\n').pop()}); taking the archive's version`);
    pinned = false;
    r = attempt(name);
  }
  const file = findDeb(dir, name);
  if (!r.ok || !file) throw new Error(`apt-get download ${name} failed: ${r.out}`);
  return { file, pinned };
}

/** Uses an already downloaded NAME_*.deb from `dir`. */
export function localDeb(dir, name) {
  const file = existsSync(dir) ? findDeb(dir, name) : undefined;
  if (!file) throw new Error(`no ${name}_*.deb in ${dir}`);
  return { file, pinned: false };
}

export function debControl(file) {
  const r = run('dpkg-deb', ['-f', file, 'Package', 'Version'], undefined);
  if (!r.ok) throw new Error(`dpkg-deb -f ${file} failed: ${r.out}`);
  const fields = Object.fromEntries(
    r.out.split('\n').map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
    }),
  );
  return { package: fields.Package, version: fields.Version };
}

export function unpackDeb(file, into) {
  const r = run('dpkg-deb', ['-x', file, into], undefined);
  if (!r.ok) throw new Error(`dpkg-deb -x ${file} failed: ${r.out}`);
}

export function sha256File(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
