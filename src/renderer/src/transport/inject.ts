import { inject, type App, type InjectionKey } from 'vue';
import type { Transport } from '../../../shared/contract.ts';
import type { Connection } from './connection.ts';

export const TRANSPORT_KEY: InjectionKey<Transport> = Symbol('lsr.transport');
export const CONNECTION_KEY: InjectionKey<Connection> = Symbol('lsr.connection');

/** Makes the transport available to stores and components (tests install a fake one the same way). */
export function provideTransport(app: App, transport: Transport, connection: Connection): void {
  app.provide(TRANSPORT_KEY, transport);
  app.provide(CONNECTION_KEY, connection);
}

export function useTransport(): Transport {
  const transport = inject(TRANSPORT_KEY);
  if (!transport) throw new Error('no Transport provided (call provideTransport on the app)');
  return transport;
}

export function useConnection(): Connection {
  const connection = inject(CONNECTION_KEY);
  if (!connection) throw new Error('no Connection provided (call provideTransport on the app)');
  return connection;
}
