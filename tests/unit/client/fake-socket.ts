/** A socket-shaped EventEmitter for store tests: records what the client sent, lets a test play the server. */
import type { Listeners, SocketPort } from '../../../client/socket';
import type { ClientToServerEvents } from '../../../shared/events';

type AnyFn = (...args: any[]) => void;

export class FakeSocket implements SocketPort {
  connected = false;
  active = true;
  readonly sent: Array<{ event: string; args: unknown[] }> = [];
  /** How the fake server answers `summary:subscribe`; by default it keeps the ack for the test to call. */
  onSubscribe: ((region: string, ack: AnyFn) => void) | null = null;
  readonly pendingAcks: Array<{ region: string; ack: AnyFn }> = [];
  private readonly handlers = new Map<string, Set<AnyFn>>();

  on<E extends keyof Listeners>(event: E, fn: Listeners[E]): void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(fn as AnyFn);
  }

  off<E extends keyof Listeners>(event: E, fn: Listeners[E]): void {
    this.handlers.get(event)?.delete(fn as AnyFn);
  }

  emit<E extends keyof ClientToServerEvents>(event: E, ...args: Parameters<ClientToServerEvents[E]>): void {
    this.sent.push({ event, args });
    if (event === 'summary:subscribe') {
      const region = (args[0] as { region: string }).region;
      const ack = args[1] as AnyFn;
      if (this.onSubscribe) this.onSubscribe(region, ack);
      else this.pendingAcks.push({ region, ack });
    }
  }

  connect(): void {
    this.connected = true;
    this.fire('connect');
  }

  /** The connection drops (server killed, network gone). */
  drop(reason = 'transport close'): void {
    this.connected = false;
    this.fire('disconnect', reason);
  }

  fire(event: string, ...args: unknown[]): void {
    for (const fn of [...(this.handlers.get(event) ?? [])]) fn(...args);
  }

  listenerCount(): number {
    let n = 0;
    for (const set of this.handlers.values()) n += set.size;
    return n;
  }

  subscribes(region?: string): number {
    return this.sent.filter((s) => s.event === 'summary:subscribe' && (!region || (s.args[0] as { region: string }).region === region)).length;
  }
}
