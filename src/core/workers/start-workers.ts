import { Worker } from 'node:worker_threads';

/** What a starting worker may post: its ready reply, or an error. */
interface StartMessage {
  type: string;
  message?: string;
}

/**
 * Starts one worker thread per `workerData` entry from `url` and waits until each has posted its `ready`
 * message. If any fails, reports an error or exits first, `onFailure` runs (e.g. aborting a barrier the others
 * wait on), every worker is terminated and the error is thrown. Only the listeners added here are removed;
 * the caller attaches its own once this resolves. `what` names the workers in messages ("a search worker").
 */
export async function startWorkers<M extends StartMessage, R extends M>(
  url: URL,
  workerData: readonly unknown[],
  what: string,
  isReady: (m: M) => m is R,
  onFailure?: () => void,
): Promise<{ workers: Worker[]; replies: R[] }> {
  const workers: Worker[] = [];
  const detach: (() => void)[] = [];
  const ready: Promise<R>[] = [];
  for (const data of workerData) {
    const w = new Worker(url, { workerData: data });
    workers.push(w);
    ready.push(
      new Promise<R>((resolve, reject) => {
        const onMessage = (m: M): void => {
          if (isReady(m)) resolve(m);
          else reject(new Error(m.type === 'error' && m.message !== undefined ? m.message : `unexpected ${m.type} from ${what} while starting`));
        };
        const onExit = (code: number): void => reject(new Error(`${what} exited while starting (code ${code})`));
        w.on('message', onMessage);
        w.on('error', reject);
        w.on('exit', onExit);
        // Only these listeners go: Worker keeps internal ones of its own.
        detach.push(() => {
          w.off('message', onMessage);
          w.off('error', reject);
          w.off('exit', onExit);
        });
      }),
    );
  }
  try {
    return { workers, replies: await Promise.all(ready) };
  } catch (err) {
    onFailure?.();
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  } finally {
    for (const d of detach) d();
  }
}
