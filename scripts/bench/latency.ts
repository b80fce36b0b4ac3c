/**
 * ack → delta latency: many real socket.io-client sockets (websocket transport, in child processes of
 * their own: watchers.ts) subscribed to the province, some also to a city, while this process posts
 * single hazards at a steady rate. For each hazard and each socket that watches its region, the latency
 * is from the moment the POST's response was read here to the arrival of the first delta whose
 * `version` ≥ the hazard's change seq (the GET's `version`), on a clock both processes share. Matching
 * is done afterwards, so the GET's own time does not count.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROVINCE_CODE, cityOf } from '../../shared/regions';
import { makeHazard, rng } from '../../tests/helpers/hazards';
import { startServer, type ChildServer } from '../../tests/helpers/server';
import { postJson, serverProcess } from './ingest';
import { cpuMsOf, percentile, sleep } from './util';
import { clock, type Arrival, type WatcherMessage, type WatcherRecord, type WatcherStart } from './watchers';

type Sent = { seq: number; tAck: number; city: string; postMs: number };
export type Watcher = { snapshots: Map<string, number>; deltas: Map<string, Arrival[]> };

export type LatencyResult = {
  samples: number; p50: number; p90: number; p99: number; max: number; min: number;
  provinceP99: number; cityP99: number; missing: number; broken: number; posted: number; fanoutP99: number;
  /** POST round trip (send → response read), which includes the commit's fsync */
  postP50: number; postP99: number;
  /** CPU time used per second of the measured run: server, watcher processes, this (posting) process */
  cpuShare: { server: number; watchers: number; poster: number };
  /** the same for lone reports, one a second, after the steady run: no window is ever busy */
  lone: { p50: number; p99: number; samples: number };
};

/** Starts the watcher process and waits until every socket has its snapshots. */
export function startWatchers(start: WatcherStart): Promise<{ child: ChildProcess; next: () => Promise<WatcherMessage> }> {
  const child = fork(join(import.meta.dirname, 'watchers.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const inbox: WatcherMessage[] = [];
  const waiting: Array<(m: WatcherMessage) => void> = [];
  child.on('message', (m: WatcherMessage) => (waiting.shift() ?? ((x) => inbox.push(x)))(m));
  // 'close' comes after the IPC channel has delivered everything, unlike 'exit'
  child.once('close', (code) => waiting.splice(0).forEach((w) => w({ type: 'error', message: `watcher process exited with ${code}` })));
  const next = () => new Promise<WatcherMessage>((r) => (inbox.length ? r(inbox.shift()!) : waiting.push(r)));
  child.send(start);
  return next().then((m) => {
    if (m.type !== 'ready') {
      child.kill();
      throw new Error(`watchers: ${m.type === 'error' ? m.message : m.type}`);
    }
    return { child, next };
  });
}

/** Posts `count` single hazards at `rate`/s; each resolves with its ack time and change seq. */
export async function postSteadily(server: Pick<ChildServer, 'url'> & { tokens: { admin: string } }, rate: number, count: number, tag: string): Promise<Sent[]> {
  const r = rng(7);
  const headers = { authorization: `Bearer ${server.tokens.admin}`, 'content-type': 'application/json' };
  const one = async (i: number): Promise<Sent> => {
    const h = makeHazard(r, i, { id: `${tag}-${i}` });
    const tSend = clock();
    const { status, json } = await postJson(`${server.url}/api/v1/hazards`, headers, JSON.stringify(h));
    const tAck = clock();
    if (status !== 200 || json.accepted + json.duplicates !== 1) throw new Error(`POST ${status}: ${JSON.stringify(json)}`);
    // the GET is read-only, so retrying it on a dropped connection is as safe as the POST's retry
    const get = () => fetch(`${server.url}/api/v1/hazards/${h.id}`, { headers }).then((res) => res.json() as Promise<{ version: number }>);
    // a starved server can drop several in a row (2,000 sockets on a loaded machine): a few retries, spaced out
    const retry = async (left: number): Promise<{ version: number }> => get().catch(async (e: unknown) => {
      if (left === 0) throw e;
      await sleep(500);
      return retry(left - 1);
    });
    const { version } = await retry(4);
    return { seq: version, tAck, city: cityOf(h.regionCode)!, postMs: tAck - tSend };
  };
  const t0 = performance.now();
  const pending: Promise<Sent>[] = [];
  // every promise gets its handler at once (a rejection left waiting for the final Promise.all would end the process)
  let failure: unknown = null;
  for (let i = 0; i < count && failure === null; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    const p = one(i);
    p.catch((e: unknown) => (failure ??= e));
    pending.push(p);
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

export function measure(sent: Sent[], watchers: Watcher[]): Omit<LatencyResult, 'cpuShare' | 'lone'> {
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
        const d = w.deltas.get(region)?.find((x) => x.version >= s.seq);
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
  const posts = sent.map((s) => s.postMs);
  for (const xs of [all, province, city, fanout, posts]) xs.sort((a, b) => a - b);
  return {
    samples: all.length, p50: percentile(all, 50), p90: percentile(all, 90), p99: percentile(all, 99), max: all.at(-1) ?? NaN,
    min: all[0] ?? NaN, provinceP99: percentile(province, 99), cityP99: percentile(city, 99), missing, broken: brokenChains(watchers),
    posted: sent.length, fanoutP99: percentile(fanout, 99), postP50: percentile(posts, 50), postP99: percentile(posts, 99),
  };
}

export async function benchLatency(opts: { sockets: number; citySockets: number; rate: number; seconds: number; procs: number; lone: number }): Promise<LatencyResult> {
  const server = await startServer();
  const children: ChildProcess[] = [];
  try {
    const per = Math.ceil(opts.sockets / opts.procs);
    const groups = await Promise.all(Array.from({ length: opts.procs }, (_, p) => {
      const first = p * per;
      const sockets = Math.max(0, Math.min(per, opts.sockets - first));
      return startWatchers({ type: 'start', url: server.url, token: server.tokens.display, first, sockets, citySockets: opts.citySockets })
        .then((w) => (children.push(w.child), w));
    }));
    // a short warm-up, so JIT and connection set-up are not in the figures
    await postSteadily(server, opts.rate, opts.rate, 'W');
    await sleep(500);
    const cpu = async () => ({
      server: (await serverProcess(server.url)).cpuMs, watchers: children.reduce((a, c) => a + cpuMsOf(c.pid!), 0),
      poster: process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000, t: performance.now(),
    });
    const before = await cpu();
    const sent = await postSteadily(server, opts.rate, opts.rate * opts.seconds, 'L');
    await sleep(1000);
    const after = await cpu();
    const lone = await postSteadily(server, 1, opts.lone, 'Q');
    await sleep(1000);
    const share = (k: 'server' | 'watchers' | 'poster') => (after[k] - before[k]) / (after.t - before.t);
    const watchers: Watcher[] = [];
    for (const g of groups) {
      g.child.send({ type: 'stop' });
      const result = await g.next();
      if (result.type !== 'result') throw new Error(`watchers: ${result.type === 'error' ? result.message : result.type}`);
      watchers.push(...result.watchers.map((r: WatcherRecord) => ({ snapshots: new Map(r.snapshots), deltas: new Map(r.deltas) })));
    }
    const quiet = measure(lone, watchers);
    return {
      ...measure(sent, watchers), cpuShare: { server: share('server'), watchers: share('watchers'), poster: share('poster') },
      lone: { p50: quiet.p50, p99: quiet.p99, samples: quiet.samples },
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}
