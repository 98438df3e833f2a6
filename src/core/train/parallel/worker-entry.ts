import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '../../tensor/backend.ts';
import { lossFromConfig, optimizerFromConfig } from '../from-config.ts';
import { BarrierAbortedError, SharedBarrier } from './barrier.ts';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.ts';
import { PhaseClock } from './phases.ts';
import { Replica } from './replica.ts';
import { buildReplicaModel } from './replica-model.ts';

/* A training worker thread: one model replica on its own single-threaded tensor backend. */

const port = parentPort;
if (!port) throw new Error('worker-entry.ts runs only as a worker thread');
const init = workerData as WorkerInit;
const send = (m: FromWorker): void => port.postMessage(m);
const message = (err: unknown): string => (err instanceof Error ? (err.stack ?? err.message) : String(err));

try {
  const backend = await selectBackend(init.config.backend);
  const { config } = init;
  const model = buildReplicaModel(config.model);
  // The weights live in the model now; drop the message's copy.
  config.model.weights.clear();
  const barrier = new SharedBarrier(init.barrier, init.parties);
  const replica = new Replica(
    model,
    lossFromConfig(config.loss),
    optimizerFromConfig(config.optimizer),
    config.maxGradNorm,
    config.head,
    init.rank,
    init.parties,
    barrier,
  );
  send({ type: 'ready', layout: replica.layout, vocab: model.info.vocabSize, backend: backend.name });
  port.on('message', (m: ToWorker) => {
    try {
      if (m.type === 'step') {
        const phases = new PhaseClock();
        const metrics = replica.step(m, phases);
        send({ type: 'stepped', id: m.id, rank: init.rank, metrics, phases: phases.seconds });
      }
      else if (m.type === 'attach') {
        replica.attach(m.optimizer);
        send({ type: 'attached', id: m.id });
      } else if (m.type === 'export') send({ type: 'exported', id: m.id, weights: model.exportWeights() });
      else if (m.type === 'optimizer-state') send({ type: 'optimizer-state', id: m.id, state: replica.optimizerState() });
      else if (m.type === 'set-optimizer-state') {
        replica.setOptimizerState(m.state);
        send({ type: 'optimizer-state-set', id: m.id });
      }
    } catch (err) {
      barrier.abort();
      send({ type: 'error', id: m.id, message: message(err), echo: err instanceof BarrierAbortedError });
    }
  });
} catch (err) {
  send({ type: 'error', message: message(err) });
}
