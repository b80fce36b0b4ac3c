/**
 * Subscribed screens of the latency run, in a process of their own (several such processes share the
 * sockets, as real screens are separate machines): real socket.io-client sockets whose delta arrivals
 * are stamped here, so reading hundreds of sockets never delays the poster's clock in the parent. Run by latency.ts over IPC: `start` → `ready` → `stop` → `result`.
 */
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events';
import { PROVINCE_CODE, childrenOf } from '../../shared/regions';

export type Arrival = { version: number; fromVersion: number; t: number };
export type WatcherRecord = { snapshots: Array<[string, number]>; deltas: Array<[string, Arrival[]]> };
/** Sockets `first` … `first + sockets - 1` of the run; those below `citySockets` also watch a city. */
export type WatcherStart = { type: 'start'; url: string; token: string; first: number; sockets: number; citySockets: number };
export type WatcherMessage = { type: 'ready' } | { type: 'result'; watchers: WatcherRecord[] } | { type: 'error'; message: string };

/** Milliseconds on a clock that the parent process shares (performance.now() alone is per process). */
export const clock = () => performance.timeOrigin + performance.now();

type Watcher = { socket: Socket<ServerToClientEvents, ClientToServerEvents>; deltas: Map<string, Arrival[]>; snapshots: Map<string, number> };

async function watch(url: string, token: string, regions: string[]): Promise<Watcher> {
  const socket: Watcher['socket'] = connect(url, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false });
  const w: Watcher = { socket, deltas: new Map(), snapshots: new Map() };
  socket.on('summary:delta', (d) => {
    const t = clock();
    const list = w.deltas.get(d.region) ?? w.deltas.set(d.region, []).get(d.region)!;
    list.push({ version: d.version, fromVersion: d.fromVersion, t });
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

async function start(msg: WatcherStart): Promise<Watcher[]> {
  const cities = childrenOf(PROVINCE_CODE).map((r) => r.code);
  return Promise.all(Array.from({ length: msg.sockets }, (_, k) => {
    const i = msg.first + k;
    return watch(msg.url, msg.token, i < msg.citySockets ? [PROVINCE_CODE, cities[i % cities.length]!] : [PROVINCE_CODE]);
  }));
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
      process.send!({ type: 'result', watchers: watchers.map((w) => ({ snapshots: [...w.snapshots], deltas: [...w.deltas] })) }, () => process.disconnect());
    }
  });
}
