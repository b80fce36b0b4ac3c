/**
 * ack → delta latency: many real socket.io-client sockets (websocket transport) subscribed to the
 * province, some also to a city, while single hazards are posted at a steady rate. For each hazard
 * and each socket that watches its region, the latency is from the moment the POST's response was
 * read to the arrival of the first delta whose `version` ≥ the hazard's change seq (the GET's
 * `version`). Matching is done afterwards, so the GET's own time does not count.
 */
import { rmSync } from 'node:fs';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events';
import { PROVINCE_CODE, cityOf, childrenOf } from '../../shared/regions';
import { makeHazard, rng } from '../../tests/helpers/hazards';
import { startServer, type ChildServer } from '../../tests/helpers/server';
import { percentile, sleep } from './util';

type Arrival = { version: number; fromVersion: number; t: number };
type Watcher = { socket: Socket<ServerToClientEvents, ClientToServerEvents>; deltas: Map<string, Arrival[]>; snapshots: Map<string, number> };
type Sent = { seq: number; tAck: number; city: string };

export type LatencyResult = {
  samples: number; p50: number; p90: number; p99: number; max: number; min: number;
  provinceP99: number; cityP99: number; missing: number; broken: number; posted: number; fanoutP99: number;
};

async function connectWatchers(server: ChildServer, n: number, withCity: number): Promise<Watcher[]> {
  const cities = childrenOf(PROVINCE_CODE).map((r) => r.code);
  return Promise.all(Array.from({ length: n }, async (_, i) => {
    const socket: Watcher['socket'] = connect(server.url, { transports: ['websocket'], auth: { token: server.tokens.display }, forceNew: true, reconnection: false });
    const w: Watcher = { socket, deltas: new Map(), snapshots: new Map() };
    socket.on('summary:delta', (d) => {
      const t = performance.now();
      const list = w.deltas.get(d.region) ?? w.deltas.set(d.region, []).get(d.region)!;
      list.push({ version: d.version, fromVersion: d.fromVersion, t });
    });
    await new Promise<void>((ok, fail) => {
      socket.once('connect', () => ok());
      socket.once('connect_error', (e) => fail(e));
    });
    for (const region of i < withCity ? [PROVINCE_CODE, cities[i % cities.length]!] : [PROVINCE_CODE]) {
      const ack = await socket.emitWithAck('summary:subscribe', { region });
      if (!ack.ok) throw new Error(`subscribe ${region}: ${ack.error.message}`);
      w.snapshots.set(region, ack.summary.version);
    }
    return w;
  }));
}

/** Posts `count` single hazards at `rate`/s; each resolves with its ack time and change seq. */
async function postSteadily(server: ChildServer, rate: number, count: number, tag: string): Promise<Sent[]> {
  const r = rng(7);
  const headers = { authorization: `Bearer ${server.tokens.admin}`, 'content-type': 'application/json' };
  const one = async (i: number): Promise<Sent> => {
    const h = makeHazard(r, i, { id: `${tag}-${i}` });
    const res = await fetch(`${server.url}/api/v1/hazards`, { method: 'POST', headers, body: JSON.stringify(h) });
    const body = (await res.json()) as { accepted?: number };
    const tAck = performance.now();
    if (res.status !== 200 || body.accepted !== 1) throw new Error(`POST ${res.status}: ${JSON.stringify(body)}`);
    const got = await fetch(`${server.url}/api/v1/hazards/${h.id}`, { headers });
    const { version } = (await got.json()) as { version: number };
    return { seq: version, tAck, city: cityOf(h.regionCode)! };
  };
  const t0 = performance.now();
  const pending: Promise<Sent>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(one(i));
  }
  return Promise.all(pending);
}

/** Per socket and region: deltas must chain from the snapshot (fromVersion = previous version). */
function brokenChains(watchers: Watcher[]): number {
  let broken = 0;
  for (const w of watchers) {
    for (const [region, list] of w.deltas) {
      let v = w.snapshots.get(region);
      for (const d of list) {
        if (d.fromVersion !== v) broken++;
        v = d.version;
      }
    }
  }
  return broken;
}

function firstAtOrAfter(list: Arrival[] | undefined, seq: number): Arrival | undefined {
  return list?.find((d) => d.version >= seq);
}

export async function benchLatency(opts: { sockets: number; citySockets: number; rate: number; seconds: number }): Promise<LatencyResult> {
  const server = await startServer();
  const watchers = await connectWatchers(server, opts.sockets, opts.citySockets).catch(async (e) => {
    await server.stop();
    throw e;
  });
  try {
    // a short warm-up, so JIT and connection set-up are not in the figures
    await postSteadily(server, opts.rate, opts.rate, 'W');
    await sleep(500);
    const sent = await postSteadily(server, opts.rate, opts.rate * opts.seconds, 'L');
    await sleep(1000);
    const all: number[] = [];
    const province: number[] = [];
    const city: number[] = [];
    const fanout: number[] = [];
    let missing = 0;
    for (const s of sent) {
      const arrivals: number[] = [];
      for (const w of watchers) {
        for (const region of [PROVINCE_CODE, s.city]) {
          if (!w.snapshots.has(region)) continue;
          const d = firstAtOrAfter(w.deltas.get(region), s.seq);
          if (!d) {
            missing++;
            continue;
          }
          (region === PROVINCE_CODE ? province : city).push(d.t - s.tAck);
          all.push(d.t - s.tAck);
          if (region === PROVINCE_CODE) arrivals.push(d.t);
        }
      }
      if (arrivals.length) fanout.push(Math.max(...arrivals) - Math.min(...arrivals));
    }
    for (const xs of [all, province, city, fanout]) xs.sort((a, b) => a - b);
    return {
      samples: all.length, p50: percentile(all, 50), p90: percentile(all, 90), p99: percentile(all, 99), max: all.at(-1) ?? NaN,
      min: all[0] ?? NaN, provinceP99: percentile(province, 99), cityP99: percentile(city, 99), missing, broken: brokenChains(watchers),
      posted: sent.length, fanoutP99: percentile(fanout, 99),
    };
  } finally {
    for (const w of watchers) w.socket.disconnect();
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}
