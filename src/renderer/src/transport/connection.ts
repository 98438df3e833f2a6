/** How the renderer reaches the Node side, and whether it can right now. Not part of the API contract. */
export type ConnectionKind = 'electron' | 'web';
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unauthorized' | 'closed';

export interface Connection {
  readonly kind: ConnectionKind;
  state(): ConnectionState;
  /** Called on every state change; returns the unsubscribe function. */
  onState(fn: (state: ConnectionState) => void): () => void;
}
