import { contextBridge, ipcRenderer } from 'electron';
import type { ApiEvents, EventName, Method, Params } from '../shared/contract.ts';

// The preload exposes exactly two functions; the renderer never sees ipcRenderer itself.
const bridge = {
  call<M extends Method>(method: M, params: Params<M>): Promise<unknown> {
    return ipcRenderer.invoke('lsr:call', method, params);
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
