import type { ElectronBridge } from '../shared/wire.ts';

declare global {
  interface Window {
    /** Present only inside the Electron app (see src/preload/index.ts). */
    lsr?: ElectronBridge;
  }
}
export {};
