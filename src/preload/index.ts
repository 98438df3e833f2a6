import { contextBridge, ipcRenderer } from 'electron';
import type { ApiEvents, EventName } from '../shared/contract.ts';
import type { CallOutcome, ElectronBridge } from '../shared/wire.ts';

// The preload exposes exactly two functions; the renderer never sees ipcRenderer itself.
const bridge: ElectronBridge = {
  call(method: string, params: unknown): Promise<CallOutcome> {
    return ipcRenderer.invoke('lsr:call', method, params) as Promise<CallOutcome>;
  },
  on<E extends EventName>(event: E, fn: (payload: ApiEvents[E]) => void): () => void {
    const listener = (_e: unknown, name: string, payload: ApiEvents[E]): void => {
      if (name === event) fn(payload);
    };
    ipcRenderer.on('lsr:event', listener);
    return () => ipcRenderer.removeListener('lsr:event', listener);
  },
};

contextBridge.exposeInMainWorld('lsr', bridge);
