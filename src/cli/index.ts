import { runCli } from './main.ts';

const controller = new AbortController();
let interrupts = 0;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    controller.abort(new Error(sig));
  });
}

const status = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }, controller.signal);
// Let stdout drain before exiting (pipes are asynchronous).
process.stdout.write('', () => process.exit(status));
