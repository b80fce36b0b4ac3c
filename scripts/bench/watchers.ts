/**
 * Subscribed screens of the latency run, in a process of their own (several such processes share the
 * sockets, as real screens are separate machines): real socket.io-client sockets whose delta arrivals
 * are stamped here, so reading hundreds of sockets never delays the poster's clock in the parent. Run by latency.ts over IPC: `start` → `ready` → `stop` → `result`.
 */
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events';
import { PROVINCE_CODE, childrenOf } from '../../shared/regions';

/** `bytes`: the packet's size on the wire (its Socket.IO encoding, without the WebSocket frame header) */
export type Arrival = { version: number; fromVersion: number; t: number; bytes: number };
/** A message other than a delta (heartbeat, hazard:reported, …), or any message kept whole. */
export type Message = { event: string; t: number; bytes: number };
export type Kept = { event: string; t: number; data: unknown };
/**
 * `others`: every message that was not a delta; `kept`: every message as received, in order (only for the run's
 * socket 0 when `keep` was asked: the fan-out bench replays them through a plain Socket.IO server)
 */
export type WatcherRecord = { snapshots: Array<[string, number]>; deltas: Array<[string, Arrival[]]>; others: Message[]; kept?: Kept[] };
/**
 * Sockets `first` … `first + sockets - 1` of the run; those below `citySockets` also watch a city. `keep`: socket 0
 * keeps every message it receives whole.
 */
export type WatcherStart = { type: 'start'; url: string; token: string; first: number; sockets: number; citySockets: number; keep?: boolean };
export type WatcherMessage = { type: 'ready' } | { type: 'result'; watchers: WatcherRecord[] } | { type: 'error'; message: string };

/** Milliseconds on a clock that the parent process shares (performance.now() alone is per process). */
export const clock = () => performance.timeOrigin + performance.now();

type Watcher = {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>; deltas: Map<string, Arrival[]>; snapshots: Map<string, number>; others: Message[]; kept?: Kept[];
};

async function watch(url: string, token: string, regions: string[], keep: boolean): Promise<Watcher> {
  const socket: Watcher['socket'] = connect(url, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false, timeout: 60_000 });
  const w: Watcher = { socket, deltas: new Map(), snapshots: new Map(), others: [], ...(keep ? { kept: [] } : {}) };
  // the size of each message as it came off the wire: the Engine.IO packet before it is decoded
  let lastBytes = 0;
  // (the engine exists once the manager has opened, which it does at once: autoConnect, no reconnection)
  socket.io.engine.on('packet', (p: { data?: unknown }) => (lastBytes = typeof p.data === 'string' ? Buffer.byteLength(p.data) + 1 : 0));
  socket.on('summary:delta', (d) => {
    const t = clock();
    const list = w.deltas.get(d.region) ?? w.deltas.set(d.region, []).get(d.region)!;
    list.push({ version: d.version, fromVersion: d.fromVersion, t, bytes: lastBytes });
  });
  socket.onAny((event: string, data: unknown) => {
    const t = clock();
    if (event !== 'summary:delta') w.others.push({ event, t, bytes: lastBytes });
    w.kept?.push({ event, t, data });
  });
  await new Promise<void>((ok, fail) => {
    socket.once('connect', () => ok());
    socket.once('connect_error', (e) => fail(e));
  });
  for (const region of regions) {
    const ack = await socket.emitWithAck('summary:subscribe', { region });
    if (!ack.ok) throw new Error(`subscribe ${region}: ${ack.error.message}`);
    w.snapshots.set(region, ack.summary.version);
  }
  return w;
}

/** sockets of one process connecting at once: thousands at a time overrun a busy server's accept queue and time out */
const CONNECTING = 25;

async function start(msg: WatcherStart): Promise<Watcher[]> {
  const cities = childrenOf(PROVINCE_CODE).map((r) => r.code);
  const out: Watcher[] = [];
  for (let k0 = 0; k0 < msg.sockets; k0 += CONNECTING) {
    out.push(...await Promise.all(Array.from({ length: Math.min(CONNECTING, msg.sockets - k0) }, (_, j) => {
      const i = msg.first + k0 + j;
      return watch(msg.url, msg.token, i < msg.citySockets ? [PROVINCE_CODE, cities[i % cities.length]!] : [PROVINCE_CODE], msg.keep === true && i === 0);
    })));
  }
  return out;
}

if (process.send) {
  const send = (m: WatcherMessage) => process.send!(m);
  let watchers: Watcher[] = [];
  process.on('message', (msg: WatcherStart | { type: 'stop' }) => {
    if (msg.type === 'start') {
      start(msg).then(
        (ws) => {
          watchers = ws;
          send({ type: 'ready' });
        },
        (e: unknown) => send({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
      );
    } else {
      for (const w of watchers) w.socket.disconnect();
      // disconnect only once the (large) result has been written, or it may be dropped
      process.send!({ type: 'result', watchers: watchers.map((w) => ({ snapshots: [...w.snapshots], deltas: [...w.deltas], others: w.others, ...(w.kept ? { kept: w.kept } : {}) })) }, () => process.disconnect());
    }
  });
}
