#!/usr/bin/env node
// `npm start`: the Electron app where its binary is installed; otherwise one line saying so, then web mode.
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
    const file = path.join(pkg, 'path.txt');
    if (!existsSync(file)) return undefined;
    return require('electron');
  } catch {
    return undefined;
  }
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const electron = process.env.LSR_FORCE_WEB ? undefined : electronBinary();
run(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);
if (electron && (process.env.DISPLAY || process.platform !== 'linux')) {
  const child = spawn(electron, [root], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.error(
    electron
      ? 'lsr: no display for the Electron app here; starting web mode instead.'
      : 'lsr: the Electron binary is not installed here (npm could not download it); starting web mode instead.',
  );
  const child = spawn(process.execPath, [path.join(root, 'bin/lsr.mjs'), 'web', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}
