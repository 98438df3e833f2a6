import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);

/**
 * tfjs-core registers no gradients by itself, and its own `register_all_gradients` module is ESM with
 * extensionless imports that plain Node cannot load. The CommonJS build of tfjs-layers registers all of
 * core's gradients into the global registry as a side effect of loading, so training code calls this once.
 */
export function ensureGradients(): void {
  if (tf.getGradient('Relu') !== undefined) return;
  require('@tensorflow/tfjs-layers');
  if (tf.getGradient('Relu') === undefined) throw new Error('tfjs gradients could not be registered');
}
