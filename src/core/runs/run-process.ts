// The entry of a training process, forked by `startRunProcess` (launch.ts) as
// `node --import tsx run-process.ts --home H --run ID --start-step N`. It trains one run and exits.
import { parseArgs } from 'node:util';
import { errorMessage } from '../errors.ts';
import { Store } from '../store/store.ts';
import { isParentMessage, type RunProcessMessage } from './process-messages.ts';
import { RunSession } from './run-session.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { home: { type: 'string' }, run: { type: 'string' }, 'start-step': { type: 'string' } },
});
const home = values.home;
const runId = values.run;
const startStep = Number(values['start-step'] ?? '0');
if (home === undefined || runId === undefined || !Number.isInteger(startStep) || startStep < 0) {
  process.stderr.write('usage: run-process.ts --home DIR --run ID [--start-step N]\n');
  process.exit(2);
}

// The parent may be gone (its pipes too); training goes on and the store keeps the record.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

const log = (line: string) => process.stderr.write(`[run ${runId}] ${line}\n`);

function send(message: RunProcessMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    try {
      process.send(message, undefined, {}, () => resolve());
    } catch {
      resolve();
    }
  });
}

const store = Store.open(home, { quickCheck: false });
let lastSend: Promise<void> = Promise.resolve();
const session = new RunSession({
  store,
  home,
  runId,
  startStep,
  send: (m) => {
    lastSend = send(m);
  },
  log,
});

process.on('message', (m) => {
  if (isParentMessage(m)) session.cancel();
});
process.on('SIGTERM', () => session.cancel());
let interrupts = 0;
process.on('SIGINT', () => {
  // The first Ctrl-C (it reaches the whole process group) stops cleanly at a step boundary; a second one now.
  if (++interrupts === 1) return session.cancel();
  session.abandon('interrupted', 'stopped by a second interrupt; resume continues from the last checkpoint');
  store.close();
  process.exit(130);
});
process.on('disconnect', () => {});
process.on('uncaughtException', (err) => {
  log(`uncaught error: ${err.stack ?? errorMessage(err)}`);
  session.abandon('failed', errorMessage(err));
  store.close();
  process.exit(1);
});

let code = 1;
try {
  const end = await session.run();
  code = end.status === 'failed' ? 1 : 0;
  if (end.status === 'failed' && end.reason) log(`failed: ${end.reason}`);
} catch (err) {
  log(`stopped: ${errorMessage(err)}`);
} finally {
  store.close();
}
await lastSend;
if (process.connected) process.disconnect();
process.exit(code);
