import type { Transport } from '../../../shared/contract.ts';
import type { Connection } from './connection.ts';
import { createElectronTransport } from './electron-transport.ts';
import { takeAccessToken } from './web-token.ts';
import { createWebSocketTransport } from './ws-transport.ts';

export type TransportChoice =
  | { ok: true; transport: Transport; connection: Connection }
  | { ok: false; reason: 'no-token' | 'no-backend' };

/**
 * The one place that decides how this renderer reaches the Node side: the preload's bridge inside
 * Electron, a WebSocket to the serving origin in a browser (web mode).
 */
export function chooseTransport(win: Window): TransportChoice {
  if (win.lsr) return { ok: true, ...createElectronTransport(win.lsr) };
  const { location } = win;
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return { ok: false, reason: 'no-backend' };
  const token = takeAccessToken(location, win.history, win.sessionStorage);
  if (!token) return { ok: false, reason: 'no-token' };
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws?token=${encodeURIComponent(token)}`;
  const transport = createWebSocketTransport({
    openSocket: () => new WebSocket(wsUrl),
    authorized: async () => {
      const res = await fetch('/api/session', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
      return res.status !== 401 && res.status !== 403;
    },
  });
  return { ok: true, transport, connection: transport };
}
