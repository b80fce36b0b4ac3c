/**
 * The live feed: snapshots on subscribe, coalesced versioned deltas (≤ 1 per 250 ms per region),
 * heartbeats, new-major-hazard pushes. Handlers validate, call the service, ack; nothing else.
 */
import type { Server, ServerOptions, Socket } from 'socket.io';
import { BATCHABLE_EVENTS, type BatchableEvent, type ClientToServerEvents, type ServerToClientEvents, type SubscribeAck } from '../../shared/events';
import { chainOf, isWithin } from '../../shared/regions';
import { SubscribeArgsSchema, describeIssues, type HazardReported, type Heartbeat } from '../../shared/schemas';
import type { Auth } from '../auth/auth';
import type { Applied, ChangeFeed } from '../aggregates/change-feed';
import type { LiveSummaries } from '../aggregates/live-summaries';
import type { Change } from '../hazards/changes';
import { systemTimers, type Cancel, type Timers } from '../timers';
import type { Logger } from 'pino';
import { DEFAULT_SOCKET_LIMITS, Quota } from './socket-bounds';

/** `batched`: the events this socket asked to get in batches in its handshake (batchedEvents) */
export type SocketData = { auth: Auth; batched?: readonly BatchableEvent[] };
export type IO = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * The Socket.IO server's options (server/app.ts), kept here so that the fan-out benchmark's plain Socket.IO peer
 * (scripts/bench/fanout-peer.ts) runs with exactly these. perMessageDeflate and httpCompression stay at
 * Socket.IO's defaults (off for WebSocket messages).
 */
export const SOCKET_OPTIONS = {
  serveClient: false, maxHttpBufferSize: 1e5, pingInterval: 20_000, pingTimeout: 20_000,
  // WebSocket only, on both ends (client/socket.ts): HTTP long-polling needs every request of a session on
  // one node, which a round-robin balancer breaks ("xhr poll error"); docs/OPERATIONS.md
  transports: ['websocket'],
} satisfies Partial<ServerOptions>;

export const FLUSH_MS = 250;
export const HEARTBEAT_MS = 5000;
const room = (region: string) => `summary:${region}`;
export const scopeRoom = (region: string) => `scope:${region}`;
/** the sockets of a scope that get new majors as `hazard:reported:batch` */
const batchRoom = (region: string) => `scope-batch:${region}`;
/** at most this many hazards per `hazard:reported:batch`; a larger write sends several */
export const MAX_REPORTED_BATCH = 500;
/** the handshake's `auth.batch` list is bounded like every input (a name may repeat; more than this is refused) */
const MAX_BATCH_NAMES = 8;

/**
 * The handshake's `auth.batch` (docs/API.md, Socket.IO): absent, or a list of BATCHABLE_EVENTS. Anything else is
 * refused with a message that says what is wrong, so a client's typo does not silently fall back to per-item events.
 */
export function batchedEvents(auth: unknown): { events: BatchableEvent[] } | { error: string } {
  const batch = typeof auth === 'object' && auth !== null ? (auth as { batch?: unknown }).batch : undefined;
  if (batch === undefined) return { events: [] };
  const known = (e: unknown): e is BatchableEvent => (BATCHABLE_EVENTS as readonly unknown[]).includes(e);
  if (!Array.isArray(batch) || batch.length > MAX_BATCH_NAMES || !batch.every(known)) {
    return { error: `invalid_request: auth.batch must be a list of event names among ${BATCHABLE_EVENTS.join(', ')}` };
  }
  return { events: [...new Set(batch)] };
}

type Pending = { socket: AppSocket; ack: (r: SubscribeAck) => void };

/**
 * Socket.IO passes the ack last, whatever came before it: a client that forgot the argument, or sent
 * extra ones, still gets its answer instead of waiting forever. Returns [first argument, ack].
 */
export function argsAndAck<A>(params: readonly unknown[]): [unknown, ((r: A) => void) | undefined] {
  const last = params.at(-1);
  if (typeof last !== 'function') return [params[0], undefined];
  return [params.length > 1 ? params[0] : undefined, last as (r: A) => void];
}

/**
 * Deltas leave on the leading edge: a region quiet for 250 ms is flushed as soon as the write that
 * dirtied it has been applied (one delta per write, not one per item); changes within 250 ms of the
 * last delta wait for the end of that window. So a lone report reaches screens at once, and a burst
 * still yields at most one delta per 250 ms per region.
 */
export class LiveFeed {
  private lastEmitted = new Map<string, number>();
  private lastFlushAt = new Map<string, number>();
  private scheduled = new Map<string, Cancel>();
  private pending = new Map<string, Pending[]>();
  private stopHeartbeat: Cancel;
  private readonly timers: Timers;
  private readonly log: Logger | undefined;
  private readonly deltasSent: { inc(): void } | undefined;
  private readonly subscriptions: Quota;
  /** new majors waiting for the end of the write that applied them, by batch room (pushMajor) */
  private waitingMajors = new Map<string, HazardReported[]>();
  private readonly onApplied = ({ change, regions }: Applied) => {
    for (const region of regions) this.schedule(region);
    this.pushMajor(change);
  };
  /** the database lost or back: screens hear it now, not at the next beat up to 5 s later */
  private readonly onReachability = () => this.heartbeat();

  /** `opts.log` gets a debug line per delta sent, with the clock's time of sending. */
  constructor(
    private readonly io: IO,
    /** the node's aggregates, read here: versions, summaries, what changed since the last delta */
    private readonly live: LiveSummaries,
    /** every applied change with the regions it touched, and this node's position against the head */
    private readonly feed: Pick<ChangeFeed, 'on' | 'off' | 'status'>,
    opts: { maxSubscriptions?: number; timers?: Timers; log?: Logger; deltasSent?: { inc(): void } } = {},
  ) {
    this.timers = opts.timers ?? systemTimers;
    this.log = opts.log;
    this.deltasSent = opts.deltasSent;
    this.subscriptions = new Quota(opts.maxSubscriptions ?? DEFAULT_SOCKET_LIMITS.maxSubscriptions, 'summary subscriptions');
    feed.on('applied', this.onApplied);
    feed.on('reachability', this.onReachability);
    // changes applied before the feed existed (the day turn at start-up) still go out
    for (const region of live.dirtyRegions()) this.schedule(region);
    this.stopHeartbeat = this.timers.every(HEARTBEAT_MS, () => this.heartbeat());
  }

  private schedule(region: string): void {
    if (this.scheduled.has(region)) return;
    const due = (this.lastFlushAt.get(region) ?? 0) + FLUSH_MS;
    this.scheduled.set(region, this.timers.after(due - this.timers.now(), () => {
      // Node counts a timeout from its cached loop time, so it can fire early against the clock: re-arm
      if (this.timers.now() >= due) return this.flushRegion(region);
      this.scheduled.delete(region);
      this.schedule(region);
    }));
  }

  attach(socket: AppSocket): void {
    const scope = socket.data.auth.region;
    socket.join(socket.data.batched?.includes('hazard:reported') ? batchRoom(scope) : scopeRoom(scope));
    this.heartbeat(socket);
    socket.on('summary:subscribe', (...params: unknown[]) => {
      const [args, ack] = argsAndAck<SubscribeAck>(params);
      if (!ack) return;
      const parsed = SubscribeArgsSchema.safeParse(args);
      if (!parsed.success) return ack({ ok: false, error: { code: 'invalid_request', message: describeIssues(parsed.error.issues) } });
      const { region } = parsed.data;
      if (!isWithin(region, socket.data.auth.region)) {
        return ack({ ok: false, error: { code: 'forbidden_region', message: `region ${region} is outside this token's scope (${socket.data.auth.region})` } });
      }
      const refused = this.subscriptions.take(socket.id, region);
      if (refused) return ack({ ok: false, error: { code: 'too_many_subscriptions', message: refused } });
      this.subscribe(socket, region, ack);
    });
    socket.on('summary:unsubscribe', (...params: unknown[]) => {
      const [args, ack] = argsAndAck<{ ok: boolean }>(params);
      const region = typeof args === 'object' && args !== null && typeof (args as { region?: unknown }).region === 'string' ? (args as { region: string }).region : '';
      socket.leave(room(region));
      this.subscriptions.release(socket.id, region);
      ack?.({ ok: true });
    });
    socket.on('disconnect', () => this.subscriptions.forget(socket.id));
  }

  /**
   * A snapshot's version must be the `fromVersion` of the next delta: when the region has changes
   * waiting for the next flush, the answer waits for that flush (at most 250 ms).
   */
  private subscribe(socket: AppSocket, region: string, ack: (r: SubscribeAck) => void): void {
    const live = this.live;
    if (live.isDirty(region)) {
      const list = this.pending.get(region) ?? [];
      list.push({ socket, ack });
      this.pending.set(region, list);
      return;
    }
    this.lastEmitted.set(region, live.version(region));
    socket.join(room(region));
    ack({ ok: true, summary: live.summary(region) });
  }

  private watched = (region: string): boolean =>
    (this.io.of('/').adapter.rooms.get(room(region))?.size ?? 0) > 0 || this.pending.has(region);

  /** Emits the region's waiting changes (if anyone watches), then answers the subscribers that waited for them. */
  private flushRegion(region: string): void {
    this.scheduled.delete(region);
    const live = this.live;
    const d = live.take(region, this.watched(region));
    if (d) {
      const fromVersion = this.lastEmitted.get(region) ?? d.version;
      if (fromVersion !== d.version) {
        this.io.local.to(room(region)).emit('summary:delta', { region, fromVersion, version: d.version, asOf: d.asOf, today: live.today, changes: d.changes });
        const at = this.timers.now();
        this.lastFlushAt.set(region, at);
        this.log?.debug({ region, fromVersion, version: d.version, at }, 'delta sent');
        this.deltasSent?.inc();
      }
    }
    this.lastEmitted.set(region, live.version(region));
    const waiting = this.pending.get(region);
    if (!waiting) return;
    this.pending.delete(region);
    const summary = live.summary(region);
    for (const { socket, ack } of waiting) {
      if (!socket.connected) continue;
      socket.join(room(region));
      ack({ ok: true, summary });
    }
  }

  private heartbeat(socket?: AppSocket): void {
    const { seq, head, storeReachable } = this.feed.status();
    // version: what this node shows; head: the newest change any node committed (a screen on a lagging node can tell);
    // store: whether this node can see the database at all — without it, other nodes may be writing what it cannot
    // know, so its screens must not say 实时 (docs/API.md heartbeat). It keeps beating: the screen knows why.
    const beat: Heartbeat = { version: seq, head, store: storeReachable ? 'ok' : 'unavailable', at: new Date(this.timers.now()).toISOString() };
    if (socket) socket.emit('server:heartbeat', beat);
    else this.io.local.emit('server:heartbeat', beat);
  }

  /**
   * New major hazards (reported as major, or raised to major) go to every socket whose scope covers them: one
   * `hazard:reported` each, or, to sockets that asked for batches, one `hazard:reported:batch` per applied write and
   * scope. A write's changes are applied in one synchronous loop (server/aggregates/change-feed.ts), so a microtask
   * sends its batch when that loop is done: no later than the per-item events would have gone. An import of
   * thousands of majors was thousands of messages to every wall (docs/perf/import.md).
   */
  private pushMajor(c: Change): void {
    const after = c.payload.after;
    if (!after || after.level !== 'major' || !c.hazardId) return;
    const isNew = c.kind === 'reported' || (c.kind === 'escalation' && c.payload.before?.level !== 'major');
    if (!isNew) return;
    const data = c.payload.data as { title?: string; discoveredAt?: string };
    const h: HazardReported = {
      id: c.hazardId, regionCode: after.regionCode, sector: after.sector, level: after.level,
      title: data.title ?? '', discoveredAt: data.discoveredAt ?? c.at,
    };
    const rooms = this.io.of('/').adapter.rooms;
    const chain = chainOf(after.regionCode);
    const single = chain.map(scopeRoom).filter((r) => (rooms.get(r)?.size ?? 0) > 0);
    if (single.length > 0) this.io.local.to(single).emit('hazard:reported', h);
    const startsBatch = this.waitingMajors.size === 0;
    for (const region of chain) {
      const r = batchRoom(region);
      if ((rooms.get(r)?.size ?? 0) === 0) continue;
      const list = this.waitingMajors.get(r);
      if (list) list.push(h);
      else this.waitingMajors.set(r, [h]);
    }
    if (startsBatch && this.waitingMajors.size > 0) queueMicrotask(() => this.flushMajors());
  }

  private flushMajors(): void {
    const waiting = this.waitingMajors;
    this.waitingMajors = new Map();
    for (const [r, list] of waiting) {
      for (let i = 0; i < list.length; i += MAX_REPORTED_BATCH) {
        this.io.local.to(r).emit('hazard:reported:batch', { hazards: list.slice(i, i + MAX_REPORTED_BATCH) });
      }
    }
  }

  close(): void {
    this.stopHeartbeat();
    for (const cancel of this.scheduled.values()) cancel();
    this.scheduled.clear();
    this.feed.off('applied', this.onApplied);
    this.feed.off('reachability', this.onReachability);
  }
}
