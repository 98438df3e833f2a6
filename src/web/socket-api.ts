import { WebSocketServer, WebSocket } from 'ws';
import type { WireMessage } from '../shared/wire.ts';
import type { Handlers } from '../core/api/create-api.ts';
import { answerWireRequest, serializeReply } from '../core/api/answer.ts';
import { CountedAudience } from '../core/api/audience.ts';

const MAX_FRAME_BYTES = 16 << 20;
const HEARTBEAT_MS = 30_000;

/** The API over WebSocket: requests answered by id, events pushed to every open socket. */
export class SocketApi {
  readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  /** The open sockets, as the API's watcher sees them. */
  readonly audience = new CountedAudience();
  private handlers: Handlers | undefined;
  private readonly alive = new WeakSet<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    this.wss.on('connection', (socket) => this.accept(socket));
    // Drop sockets whose peer vanished without a close frame (a laptop lid, a killed tab).
    this.heartbeat = setInterval(() => {
      for (const socket of this.wss.clients) {
        if (!this.alive.has(socket)) {
          socket.terminate();
          continue;
        }
        this.alive.delete(socket);
        socket.ping();
      }
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Set once the handlers exist (they need `broadcast` to build). */
  setHandlers(handlers: Handlers): void {
    this.handlers = handlers;
  }

  broadcast(message: WireMessage): void {
    const text = JSON.stringify(message);
    for (const socket of this.wss.clients) if (socket.readyState === WebSocket.OPEN) socket.send(text);
  }

  private accept(socket: WebSocket): void {
    this.alive.add(socket);
    this.audience.set(this.audience.count() + 1);
    socket.once('close', () => this.audience.set(this.audience.count() - 1));
    socket.on('pong', () => this.alive.add(socket));
    socket.on('message', (data, isBinary) => {
      const handlers = this.handlers;
      if (isBinary || !handlers) {
        socket.close(1003, 'text frames only');
        return;
      }
      const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
      void answerWireRequest(handlers, text).then((reply) => {
        if (reply === null) socket.close(1007, 'not a request');
        else if (socket.readyState === WebSocket.OPEN) socket.send(serializeReply(reply));
      });
    });
  }

  /** Closes every socket with "going away" and stops the heartbeat. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const socket of this.wss.clients) socket.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const socket of this.wss.clients) socket.terminate();
      }, 1000);
      this.wss.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
