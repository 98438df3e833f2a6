// A worker thread that arrives at a SharedBarrier (workerData: { buffer, parties }) and reports how it left.
import { register } from 'tsx/esm/api';
import { parentPort, workerData } from 'node:worker_threads';

register();
const { SharedBarrier, BarrierAbortedError } = await import('../../src/core/train/parallel/barrier.ts');
const barrier = new SharedBarrier(workerData.buffer, workerData.parties);
parentPort.postMessage('waiting');
try {
  barrier.arrive();
  parentPort.postMessage('passed');
} catch (err) {
  parentPort.postMessage(err instanceof BarrierAbortedError ? 'released by abort' : String(err));
}
