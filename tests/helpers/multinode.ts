/**
 * Tools for tests of several server processes on one PostgreSQL database: a screen that reconnects and follows a
 * summary as the real client must (never replacing what it holds with an older snapshot: it asks again), and a
 * small TCP round-robin balancer (node:net) that spreads connections over the nodes still alive.
 */
import { createServer, connect, type Server, type Socket as NetSocket } from 'node:net';
import { io } from 'socket.io-client';
import { applyChanges } from '../../shared/aggregation';
import type { Heartbeat, Summary, SummaryDelta } from '../../shared/schemas';
import type { ClientSocket } from './live';
import { sleep } from './live';

/** A wall screen on one region: snapshot + deltas, re-subscribing after every reconnect. */
export class Follower {
  state: Summary | null = null;
  readonly socket: ClientSocket;
  /** moments the shown total went down (must stay empty) */
  readonly backwards: string[] = [];
  readonly heartbeats: Heartbeat[] = [];
  /** delta arrival times (ms, performance.now()) by version */
  readonly arrivals = new Map<number, number>();
  connects = 0;
  /** snapshots older than what was shown, refused and asked for again */
  olderRefused = 0;
  /** deltas that did not chain onto what was shown (then a fresh snapshot was taken) */
  resyncs = 0;
  private shownTotal = 0;
  private subscribing = false;

  constructor(readonly url: string, token: string, readonly region: string) {
    this.socket = io(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 400, randomizationFactor: 0 });
    this.socket.on('connect', () => {
      this.connects++;
      void this.subscribe();
    });
    this.socket.on('summary:delta', (d) => this.onDelta(d));
    this.socket.on('server:heartbeat', (h) => this.heartbeats.push(h));
  }

  private async subscribe(): Promise<void> {
    if (this.subscribing) return;
    this.subscribing = true;
    try {
      while (this.socket.connected) {
        const ack = await this.socket.timeout(3000).emitWithAck('summary:subscribe', { region: this.region }).catch(() => null);
        if (ack?.ok && (!this.state || ack.summary.version >= this.state.version)) {
          this.show(structuredClone(ack.summary));
          return;
        }
        if (ack?.ok) this.olderRefused++;
        await sleep(100);
      }
    } finally {
      this.subscribing = false;
    }
  }

  private onDelta(d: SummaryDelta): void {
    const state = this.state;
    if (!state || this.subscribing || d.version <= state.version) return;
    if (d.fromVersion !== state.version) {
      this.resyncs++;
      void this.subscribe();
      return;
    }
    const next = structuredClone(state);
    applyChanges(next, d.changes);
    next.version = d.version;
    next.asOf = d.asOf;
    if (d.today) next.today = d.today;
    this.arrivals.set(d.version, performance.now());
    this.show(next);
  }

  private show(s: Summary): void {
    if (s.totals.total < this.shownTotal) this.backwards.push(`${this.region}: total ${this.shownTotal} → ${s.totals.total} at version ${s.version}`);
    this.shownTotal = Math.max(this.shownTotal, s.totals.total);
    this.state = s;
  }

  close(): void {
    this.socket.close();
  }
}

/** Waits until `ok()` holds, polling every 50 ms; throws with `what()` after `timeoutMs`. */
export async function until(ok: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what()}`);
    await sleep(50);
  }
}

/** A TCP round-robin balancer on a random port over `ports()` (the nodes thought alive); a refused node is skipped. */
export async function roundRobin(ports: () => number[]): Promise<{ port: number; close(): Promise<void> }> {
  let next = 0;
  const open = new Set<NetSocket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    const tryNode = (attempt: number) => {
      const list = ports();
      if (!list.length || attempt >= list.length) return void client.destroy();
      const port = list[next++ % list.length]!;
      const upstream = connect(port, '127.0.0.1');
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        open.add(upstream);
        upstream.on('close', () => {
          open.delete(upstream);
          client.destroy();
        });
        client.on('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
      });
      upstream.once('error', () => (connected ? client.destroy() : tryNode(attempt + 1)));
    };
    client.on('error', () => undefined);
    tryNode(0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}
