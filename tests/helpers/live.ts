/**
 * A test-side screen: a real socket.io-client socket that subscribes to summaries and follows them
 * with deltas exactly as a client must (shared applyChanges, fromVersion checked on every delta),
 * recording arrival times, new-major pushes and heartbeats.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { applyChanges } from '../../shared/aggregation';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events';
import type { HazardReported, Heartbeat, Summary, SummaryDelta } from '../../shared/schemas';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type Received<T> = T & { receivedAt: number };

/** `auth`: more of the handshake's auth, beside the token (e.g. `{batch: ['hazard:reported']}`) */
const open = (url: string, token: string | undefined, auth: Record<string, unknown> = {}): ClientSocket =>
  io(url, { auth: token === undefined ? auth : { ...auth, token }, transports: ['websocket'], reconnection: false, forceNew: true });

/** The message a refused connection gets. */
export function refusal(url: string, token: string | undefined, auth?: Record<string, unknown>): Promise<string> {
  const socket = open(url, token, auth);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.close();
      reject(new Error('the connection was accepted'));
    });
    socket.once('connect_error', (e) => {
      socket.close();
      resolve(e.message);
    });
  });
}

export class Screen {
  readonly states = new Map<string, Summary>();
  readonly deltas = new Map<string, Array<Received<SummaryDelta>>>();
  /** new majors in arrival order, whether they came one by one or in batches */
  readonly reported: Array<Received<HazardReported>> = [];
  /** the size of each `hazard:reported:batch` received */
  readonly batches: number[] = [];
  readonly heartbeats: Array<Received<Heartbeat>> = [];
  /** deltas that did not chain onto the state held (fromVersion ≠ version), or arrived for no subscription */
  readonly problems: string[] = [];

  private constructor(readonly socket: ClientSocket) {
    socket.on('summary:delta', (d) => this.onDelta(d));
    socket.on('hazard:reported', (h) => this.reported.push({ ...h, receivedAt: performance.now() }));
    socket.on('hazard:reported:batch', (b) => {
      this.batches.push(b.hazards.length);
      const receivedAt = performance.now();
      for (const h of b.hazards) this.reported.push({ ...h, receivedAt });
    });
    socket.on('server:heartbeat', (h) => this.heartbeats.push({ ...h, receivedAt: performance.now() }));
  }

  static connect(url: string, token: string, auth?: Record<string, unknown>): Promise<Screen> {
    const socket = open(url, token, auth);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new Screen(socket)));
      socket.once('connect_error', reject);
    });
  }

  async subscribe(region: string): Promise<Summary> {
    const ack = await this.socket.timeout(5000).emitWithAck('summary:subscribe', { region });
    if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
    this.states.set(region, structuredClone(ack.summary));
    this.deltas.set(region, []);
    return ack.summary;
  }

  private onDelta(d: SummaryDelta): void {
    const state = this.states.get(d.region);
    if (!state) return void this.problems.push(`delta for ${d.region} without a subscription`);
    this.deltas.get(d.region)!.push({ ...d, receivedAt: performance.now() });
    if (d.fromVersion !== state.version) this.problems.push(`${d.region}: delta from ${d.fromVersion} onto version ${state.version}`);
    if (!(d.version > d.fromVersion)) this.problems.push(`${d.region}: delta version ${d.version} not above ${d.fromVersion}`);
    applyChanges(state, d.changes);
    state.version = d.version;
    state.asOf = d.asOf;
    if (d.today) state.today = d.today;
  }

  /** Waits until every subscribed region has reached the version `target` gives for it. */
  async settle(target: (region: string) => Promise<number>, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const [region, state] of this.states) {
      const want = await target(region);
      while (state.version < want) {
        if (Date.now() > deadline) throw new Error(`${region} stuck at version ${state.version}, server has ${want}`);
        await sleep(50);
      }
    }
  }

  close(): void {
    this.socket.close();
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
