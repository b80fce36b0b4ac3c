/**
 * The one Socket.IO client of the app, typed by shared/events.ts. Stores talk to it through SocketPort, a
 * narrow interface that a unit test can implement with a plain EventEmitter.
 *
 * Reconnection: the Manager retries forever with capped, jittered backoff after transport failures. A refusal by
 * the server's auth middleware (or a server-side disconnect) stops its automatic retries, so the connection store
 * schedules `connect()` itself in those cases; a wall must come back on its own, whatever happened.
 */
import { io, type Socket } from 'socket.io-client';
import type { BatchableEvent, ClientToServerEvents, ServerToClientEvents } from '../shared/events';

export type Lifecycle = {
  connect: () => void;
  disconnect: (reason: string) => void;
  connect_error: (err: Error) => void;
};
export type Listeners = ServerToClientEvents & Lifecycle;

export interface SocketPort {
  readonly connected: boolean;
  /** True while the client will retry by itself (false after a middleware refusal or a server disconnect). */
  readonly active: boolean;
  on<E extends keyof Listeners>(event: E, fn: Listeners[E]): void;
  off<E extends keyof Listeners>(event: E, fn: Listeners[E]): void;
  emit<E extends keyof ClientToServerEvents>(event: E, ...args: Parameters<ClientToServerEvents[E]>): void;
  connect(): void;
}

export const RECONNECT_DELAY_MS = 1_000;
export const RECONNECT_DELAY_MAX_MS = 10_000;

let shared: SocketPort | null = null;

/** The page's socket: same origin, authenticated by the session cookie, created on first use. */
export function getSocket(): SocketPort {
  if (shared) return shared;
  const s: Socket<ServerToClientEvents, ClientToServerEvents> = io({
    path: '/socket.io',
    // WebSocket only, as the server (server/app.ts): long-polling breaks behind a round-robin balancer
    transports: ['websocket'],
    withCredentials: true,
    // new majors as one message per write, not one per hazard: an import sends thousands (docs/API.md, Socket.IO)
    auth: { batch: ['hazard:reported'] satisfies BatchableEvent[] },
    autoConnect: false,
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: RECONNECT_DELAY_MS,
    reconnectionDelayMax: RECONNECT_DELAY_MAX_MS,
    randomizationFactor: 0.5,
    timeout: 10_000,
  });
  const port: SocketPort = {
    get connected() { return s.connected; },
    get active() { return s.active; },
    on: (event, fn) => { s.on(event as never, fn as never); },
    off: (event, fn) => { s.off(event as never, fn as never); },
    emit: (event, ...args) => { (s.emit as (e: string, ...a: unknown[]) => unknown)(event, ...args); },
    connect: () => { s.connect(); },
  };
  shared = port;
  return port;
}
