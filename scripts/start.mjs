#!/usr/bin/env node
// `npm start`: the Electron app where its binary is installed and a display exists; otherwise one line saying
// so, then web mode (`lsr web`), whose URL is the only thing on stdout. Build logs go to stderr.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const pkg = path.dirname(require.resolve('electron/package.json'));
    if (!existsSync(path.join(pkg, 'path.txt'))) return undefined;
    return require('electron');
  } catch {
    return undefined;
  }
}

function run(script, args) {
  const r = spawnSync(process.execPath, [path.join(root, script), ...args], { cwd: root, stdio: ['inherit', 2, 2] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// A Ctrl-C in a terminal reaches the child too (same process group), and a second signal makes `lsr` stop
// at once; so a signal is passed on only if the child has not begun exiting by itself shortly after.
function follow(child) {
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill(sig), 300).unref());
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

const electron = process.env.LSR_FORCE_WEB ? undefined : electronBinary();
if (electron && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY || process.platform !== 'linux')) {
  run('node_modules/electron-vite/bin/electron-vite.js', ['build', '--logLevel', 'warn']);
  follow(spawn(electron, [root], { cwd: root, stdio: 'inherit' }));
} else {
  console.error(
    electron
      ? 'lsr: no display for the Electron app here; starting web mode instead (open the URL below in a browser).'
      : 'lsr: the Electron binary is not installed here; starting web mode instead (open the URL below in a browser).',
  );
  run('node_modules/vite/bin/vite.js', ['build', '--config', 'vite.web.config.ts', '--logLevel', 'warn']);
  follow(spawn(process.execPath, [path.join(root, 'bin/lsr.mjs'), 'web', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' }));
}
