import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { parseWireMessage, type CallOutcome } from '../shared/wire.ts';

// Thin glue: a hardened window, and one IPC channel relayed to the API served by a plain Node child
// (`lsr serve --stdio`), so the Electron process never loads native modules built for another ABI.


let backend: ChildProcessWithoutNullStreams | undefined;
let nextId = 1;
// Calls resolve with the reply's outcome (never reject), so the renderer sees the error code.
const waiting = new Map<number, (outcome: CallOutcome) => void>();

function startBackend(): ChildProcessWithoutNullStreams {
  const node = process.env.LSR_NODE ?? 'node';
  const cli = path.join(app.getAppPath(), 'bin', 'lsr.mjs');
  const child = spawn(node, [cli, 'serve', '--stdio', '--home', app.getPath('userData')], { stdio: 'pipe' });
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const msg = parseWireMessage(line);
    if (msg === null) return;
    if ('event' in msg) {
      for (const w of BrowserWindow.getAllWindows()) w.webContents.send('lsr:event', msg.event, msg.payload);
      return;
    }
    const resolve = waiting.get(msg.id);
    if (!resolve) return;
    waiting.delete(msg.id);
    resolve(msg.ok ? { ok: true, result: msg.result } : { ok: false, error: msg.error });
  });
  child.on('exit', () => {
    for (const resolve of waiting.values()) resolve({ ok: false, error: { code: 'unavailable', message: 'the backend process exited' } });
    waiting.clear();
    // Restart it, as long as the app is running: a crash must not leave the window dead.
    if (!quitting) backend = startBackend();
  });
  return child;
}

let quitting = false;

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.on('ready-to-show', () => win.show());
  // No navigation away from the app, no new windows; external links go to the system browser.
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(path.join(__dirname, '../renderer/index.html'));
}

app.whenReady().then(() => {
  // Refuse every permission request (camera, notifications, ...): the workbench needs none.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  backend = startBackend();
  ipcMain.handle('lsr:call', (_event, method: unknown, params: unknown) => {
    if (typeof method !== 'string') return { ok: false, error: { code: 'bad_request', message: 'method must be a string' } };
    const id = nextId++;
    return new Promise<CallOutcome>((resolve) => {
      waiting.set(id, resolve);
      backend?.stdin.write(JSON.stringify({ id, method, params }) + '\n');
    });
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('before-quit', () => {
  quitting = true;
  backend?.kill();
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
