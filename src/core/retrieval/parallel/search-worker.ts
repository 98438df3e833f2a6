import { parentPort, workerData } from 'node:worker_threads';
import { Searcher } from '../searcher.ts';
import type { FromSearchWorker, SearchBatch, SearchWorkerInit, ToSearchWorker } from './search-protocol.ts';

/* A search worker thread: one Searcher over the shared index, taking queries of each batch until none are left. */

const port = parentPort;
if (!port) throw new Error('search-worker.ts runs only as a worker thread');
const init = workerData as SearchWorkerInit;
const send = (m: FromSearchWorker): void => port.postMessage(m);
const searcher = new Searcher(init.postings);

function run(b: SearchBatch): number {
  let searched = 0;
  for (;;) {
    const first = Atomics.add(b.next, 0, b.chunk);
    if (first >= b.numQueries) return searched;
    const last = Math.min(first + b.chunk, b.numQueries);
    for (let q = first; q < last; q++) {
      const from = b.queryOffsets[q]!;
      const to = b.queryOffsets[q + 1]!;
      const result = searcher.search({ terms: b.queryTerms.subarray(from, to), weights: b.queryWeights.subarray(from, to) }, b.k, b.method);
      b.counts[q] = result.docs.length;
      b.docs.set(result.docs, q * b.slot);
      b.scores.set(result.scores, q * b.slot);
      searched++;
    }
  }
}

port.on('message', (m: ToSearchWorker) => {
  try {
    send({ type: 'done', id: m.id, searched: run(m) });
  } catch (err) {
    send({ type: 'error', id: m.id, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
send({ type: 'ready' });
