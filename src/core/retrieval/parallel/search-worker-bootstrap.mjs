// Search worker threads start here: register tsx (TypeScript from source, as bin/lsr.mjs does), then load
// the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./search-worker.ts');
