import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CORES_ENV } from '../train/parallel/choose-workers.ts';
import { isRunProcessMessage, type EndMessage, type ParentMessage, type RunProcessMessage } from './process-messages.ts';

const RUN_PROCESS_FILE = fileURLToPath(new URL('./run-process.ts', import.meta.url));

/** The tsx loader, as an absolute URL so the child finds it from any working directory. */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

export interface RunProcessOptions {
  home: string;
  runId: string;
  startStep: number;
  /** The share of the machine's cores this run may use (its data-parallel workers); default all. */
  cores?: number;
  onMessage?: (message: RunProcessMessage) => void;
}

export interface RunProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The process's last word on the run; absent when it died without one (killed, crashed). */
  end: EndMessage | undefined;
  /** The process could not be started at all. */
  error?: Error;
}

export interface RunProcess {
  pid: number | undefined;
  /** Asks the process to stop at its next step boundary (it saves a checkpoint and ends `cancelled`). */
  cancel(): void;
  /** SIGKILL: no checkpoint; the run is marked interrupted. */
  kill(): void;
  readonly exited: Promise<RunProcessExit>;
}

/**
 * Forks the training process of one queued run. Its stdout and stderr go to this process's stderr (stdout
 * stays for results); messages arrive through `onMessage`.
 */
export function startRunProcess(options: RunProcessOptions): RunProcess {
  const child = fork(RUN_PROCESS_FILE, ['--home', options.home, '--run', options.runId, '--start-step', String(options.startStep)], {
    execArgv: ['--import', tsxLoader()],
    stdio: ['ignore', 2, 2, 'ipc'],
    serialization: 'advanced',
    env: options.cores === undefined ? process.env : { ...process.env, [CORES_ENV]: String(options.cores) },
  });
  let end: EndMessage | undefined;
  let error: Error | undefined;
  child.on('message', (m) => {
    if (!isRunProcessMessage(m) || m.runId !== options.runId) return;
    if (m.type === 'end') end = m;
    options.onMessage?.(m);
  });
  const exited = new Promise<RunProcessExit>((resolve) => {
    child.on('error', (err) => {
      error = err;
      if (child.pid === undefined) resolve({ code: null, signal: null, end, error });
    });
    // 'exit' can come before the last IPC messages are read; the channel closes after them.
    let status: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let disconnected = false;
    const settle = () => {
      if (status && disconnected) resolve({ ...status, end, ...(error ? { error } : {}) });
    };
    child.on('exit', (code, signal) => {
      status = { code, signal };
      settle();
    });
    child.on('disconnect', () => {
      disconnected = true;
      settle();
    });
  });
  return {
    pid: child.pid,
    cancel() {
      if (child.connected) child.send({ type: 'cancel' } satisfies ParentMessage, () => {});
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    exited,
  };
}
