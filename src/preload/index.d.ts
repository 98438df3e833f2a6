import type { Transport } from '../shared/contract.ts';

declare global {
  interface Window {
    /** Present only inside the Electron app (see src/preload/index.ts). */
    lsr?: Transport;
  }
}
export {};
