/**
 * Fan-out CPU per delivered message against plain Socket.IO, in one run (issue 11), and ack → delta at 2,000 sockets.
 *
 * Per round, on the same machine one after the other:
 * 1. zero sockets — the real server (a child process) is sent single reports at a fixed rate with no socket
 *    connected: its CPU (from /proc) is the work of taking the reports in (HTTP, validation, the commit, the
 *    aggregates, timers), which fan-out does not cause;
 * 2. real — the same posting with N socket.io-client sockets (websocket, display token, in watcher processes:
 *    watchers.ts) subscribed to the province; server CPU over the window, and the deltas the clients received in it;
 * 3. peer — a plain Socket.IO server (fanout-peer.ts: same socket.io, same options) broadcasts to the same number of
 *    sockets, from the same watcher processes, the very deltas the real server's socket 0 received, at the moments
 *    it received them: same bytes, same sockets, same rate, same chain of versions.
 * CPU per delivered message = CPU over the window / messages (of every kind: deltas, heartbeats, hazard:reported)
 * the clients received in it. The raw ratio counts all of the real server's CPU; the net ratio first takes off the
 * zero-socket CPU of the same posting (scaled to the window's length).
 */
import { fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeHazard, rng } from '../../tests/helpers/hazards';
import { startServer, type ChildServer } from '../../tests/helpers/server';
import { FLUSH_MS, HEARTBEAT_MS } from '../../server/realtime/realtime';
import { PROVINCE_CODE } from '../../shared/regions';
import type { PeerAnswer, PeerMessage } from './fanout-peer';
import { postJson } from './ingest';
import { benchLatency, startWatchers, type LatencyResult } from './latency';
import { cpuMsOf, envMeter, int, load, log, ms, sleep, type PartResult } from './util';
import { clock, type WatcherMessage, type WatcherRecord } from './watchers';

/** `serverEnv`: more environment for the real server (e.g. NODE_OPTIONS=--cpu-prof to see where its time goes) */
export type FanoutOpts = { sockets: number; procs: number; rate: number; seconds: number; rounds: number; serverEnv?: Record<string, string> };
/**
 * One measured window: CPU of the process that fans out, and what the clients received in it: `messages` of every
 * kind (deltas, heartbeats, hazard:reported), of which `deltas` summary:delta (`emitted` distinct ones); `bytes`:
 * the mean size of a message on the wire.
 */
export type Window = { cpuMs: number; ms: number; messages: number; deltas: number; emitted: number; bytes: number; deltaBytes: number };
export type FanoutRound = { zero: Window; real: Window; peer: Window };
/** CPU per delivered message (µs): the real server's all, net of the zero-socket run, the peer's; ratios to the peer */
export type FanoutResult = { rounds: FanoutRound[]; rawUs: number; netUs: number; peerUs: number; raw: number; net: number };

const TARGET = 1.2;
const P99_TARGET = 300;
/** The 2,000-socket latency run (issue 11): 20 reports/s; a quarter of the sockets also watch a city. */
const BIG = { sockets: 2000, citySockets: 500, procs: 8, rate: 20, seconds: 30, lone: 10 };

type Group = Awaited<ReturnType<typeof startWatchers>>;

/** Posts `count` single reports at `rate`/s (no read after each: only what every report costs). */
async function post(server: Pick<ChildServer, 'url' | 'tokens'>, rate: number, count: number, tag: string): Promise<void> {
  const r = rng(11);
  const headers = { authorization: `Bearer ${server.tokens.admin}`, 'content-type': 'application/json' };
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  let failure: unknown = null;
  for (let i = 0; i < count && failure === null; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    const body = JSON.stringify(makeHazard(r, i, { id: `${tag}-${i}` }));
    const p = postJson(`${server.url}/api/v1/hazards`, headers, body).then(({ status, json }) => {
      if (status !== 200 || json.accepted !== 1) throw new Error(`POST ${status}: ${JSON.stringify(json)}`);
    });
    p.catch((e: unknown) => (failure ??= e));
    pending.push(p);
  }
  await Promise.all(pending);
}

async function connect(url: string, token: string, sockets: number, procs: number, keep: boolean): Promise<Group[]> {
  const per = Math.ceil(sockets / procs);
  return Promise.all(Array.from({ length: procs }, (_, p) =>
    startWatchers({ type: 'start', url, token, first: p * per, sockets: Math.max(0, Math.min(per, sockets - p * per)), citySockets: 0, keep: keep && p === 0 })));
}

async function collect(groups: Group[]): Promise<WatcherRecord[]> {
  const out: WatcherRecord[] = [];
  for (const g of groups) {
    g.child.send({ type: 'stop' });
    const m: WatcherMessage = await g.next();
    if (m.type !== 'result') throw new Error(`watchers: ${m.type === 'error' ? m.message : m.type}`);
    out.push(...m.watchers);
  }
  return out;
}

/** What the clients received within [t0, t1], and how many deltas did not chain from their socket's snapshot. */
function received(watchers: WatcherRecord[], t0: number, t1: number): Omit<Window, 'cpuMs' | 'ms'> & { broken: number } {
  let deltas = 0;
  let deltaBytes = 0;
  let others = 0;
  let otherBytes = 0;
  let broken = 0;
  const versions = new Set<number>();
  for (const w of watchers) {
    const snapshots = new Map(w.snapshots);
    for (const [region, list] of w.deltas) {
      let v = snapshots.get(region);
      for (const a of list) {
        if (a.fromVersion !== v) broken++;
        v = a.version;
        if (a.t < t0 || a.t > t1) continue;
        deltas++;
        deltaBytes += a.bytes;
        versions.add(a.version);
      }
    }
    for (const m of w.others) {
      if (m.t < t0 || m.t > t1) continue;
      others++;
      otherBytes += m.bytes;
    }
  }
  const messages = deltas + others;
  return {
    messages, deltas, emitted: versions.size, broken,
    bytes: messages ? (deltaBytes + otherBytes) / messages : 0, deltaBytes: deltas ? deltaBytes / deltas : 0,
  };
}

async function round(server: ChildServer, opts: FanoutOpts, k: number): Promise<FanoutRound> {
  const count = opts.rate * opts.seconds;
  const pid = server.pid();
  // 1. the same posting with nobody listening
  await post(server, opts.rate, opts.rate, `Z${k}W`);
  await sleep(500);
  let c0 = cpuMsOf(pid);
  let t0 = clock();
  await post(server, opts.rate, count, `Z${k}`);
  await sleep(1000);
  const zero: Window = { cpuMs: cpuMsOf(pid) - c0, ms: clock() - t0, messages: 0, deltas: 0, emitted: 0, bytes: 0, deltaBytes: 0 };

  // 2. the real server with N sockets
  let groups = await connect(server.url, server.tokens.display, opts.sockets, opts.procs, true);
  let real: Window;
  let replay: Array<{ at: number; event: string; data: unknown }>;
  let first: number;
  let window: [number, number];
  try {
    await post(server, opts.rate, opts.rate, `R${k}W`);
    await sleep(500);
    c0 = cpuMsOf(pid);
    t0 = clock();
    await post(server, opts.rate, count, `R${k}`);
    await sleep(1000);
    const t1 = clock();
    const cpuMs = cpuMsOf(pid) - c0;
    const watchers = await collect(groups);
    const { broken, ...seen } = received(watchers, t0, t1);
    if (broken) throw new Error(`real server: ${broken} deltas did not chain`);
    real = { cpuMs, ms: t1 - t0, ...seen };
    // everything socket 0 received after its snapshot, warm-up included, at the moments it arrived: the peer's script
    const w0 = watchers[0]!;
    const kept = w0.kept ?? [];
    if (!kept.some((m) => m.event === 'summary:delta')) throw new Error('socket 0 kept no deltas');
    first = new Map(w0.snapshots).get(PROVINCE_CODE)!;
    const origin = kept[0]!.t;
    replay = kept.map((m) => ({ at: m.t - origin, event: m.event, data: m.data }));
    window = [t0 - origin, t1 - origin];
  } finally {
    for (const g of groups) if (g.child.exitCode === null) g.child.kill();
  }

  // 3. the plain Socket.IO peer, the same sockets and bytes at the same moments
  const peer = fork(join(import.meta.dirname, 'fanout-peer.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const answers: PeerAnswer[] = [];
    const waiting: Array<(a: PeerAnswer) => void> = [];
    peer.on('message', (a: PeerAnswer) => (waiting.shift() ?? ((x) => answers.push(x)))(a));
    const answer = () => new Promise<PeerAnswer>((r) => (answers.length ? r(answers.shift()!) : waiting.push(r)));
    const tell = (m: PeerMessage) => peer.send(m);
    const listening = await answer();
    if (listening.type !== 'listening') throw new Error('peer did not listen');
    tell({ type: 'version', version: first });
    const url = `http://127.0.0.1:${listening.port}`;
    groups = await connect(url, 'none', opts.sockets, opts.procs, false);
    await sleep(500);
    const origin = clock() + 300;
    tell({ type: 'replay', origin, messages: replay });
    const [from, to] = [origin + window[0], origin + window[1]];
    await sleep(from - clock());
    const p0 = cpuMsOf(peer.pid!);
    await sleep(to - clock());
    const cpuMs = cpuMsOf(peer.pid!) - p0;
    const done = await answer();
    if (done.type !== 'replayed') throw new Error('peer did not replay');
    const watchers = await collect(groups);
    const { broken, ...seen } = received(watchers, from, to);
    if (broken) throw new Error(`peer: ${broken} deltas did not chain`);
    tell({ type: 'stop' });
    return { zero, real, peer: { cpuMs, ms: to - from, ...seen } };
  } finally {
    for (const g of groups) if (g.child.exitCode === null) g.child.kill();
    if (peer.exitCode === null) peer.kill();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchFanout(opts: FanoutOpts): Promise<FanoutResult> {
  const server = await startServer({ env: opts.serverEnv ?? {} });
  try {
    const rounds: FanoutRound[] = [];
    for (let k = 0; k < opts.rounds; k++) {
      log(`fanout: round ${k + 1} of ${opts.rounds}`);
      rounds.push(await round(server, opts, k));
    }
    const us = (cpuMs: number, n: number) => (cpuMs * 1000) / n;
    // CPU per delivered message per round; the zero-socket CPU scaled to the real window's length
    const raw = rounds.map((r) => us(r.real.cpuMs, r.real.messages));
    const net = rounds.map((r) => us(r.real.cpuMs - (r.zero.cpuMs * r.real.ms) / r.zero.ms, r.real.messages));
    const peer = rounds.map((r) => us(r.peer.cpuMs, r.peer.messages));
    return {
      rounds, rawUs: median(raw), netUs: median(net), peerUs: median(peer),
      raw: median(rounds.map((_, i) => raw[i]! / peer[i]!)), net: median(rounds.map((_, i) => net[i]! / peer[i]!)),
    };
  } finally {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

export async function fanoutPart(): Promise<PartResult[]> {
  const opts: FanoutOpts = { sockets: 500, procs: 4, rate: 8, seconds: 20, rounds: 3 };
  log(`fanout: ${opts.sockets} sockets, ${opts.rate} reports/s for ${opts.seconds} s, ${opts.rounds} rounds`);
  const env = envMeter();
  const startLoad = load();
  const f = await benchFanout(opts);
  const fanoutEnv = env();
  const us = (x: number) => `${x.toFixed(1)} µs`;
  const perRound = f.rounds.map((r, i) =>
    `round ${i + 1}: real ${int(r.real.cpuMs)} ms CPU over ${(r.real.ms / 1000).toFixed(1)} s for ${int(r.real.messages)} messages ` +
    `(${int(r.real.deltas)} of them deltas: ${r.real.emitted} distinct, ${int(r.real.deltaBytes)} B each; all ${int(r.real.bytes)} B on average), ` +
    `zero sockets ${int(r.zero.cpuMs)} ms over ${(r.zero.ms / 1000).toFixed(1)} s, peer ${int(r.peer.cpuMs)} ms for ${int(r.peer.messages)} ` +
    `messages (${int(r.peer.deltas)} deltas, ${int(r.peer.deltaBytes)} B each)`).join('; ');
  const r0 = f.rounds[0]!;
  const perSocket = r0.real.deltas / opts.sockets / (r0.real.ms / 1000);

  const fanout: PartResult = {
    title: 'Fan-out against plain Socket.IO',
    rows: [
      { name: `server CPU per delivered message, all of it (${opts.sockets} sockets)`, figure: us(f.rawUs), target: '—', pass: null },
      { name: 'the same without the CPU of taking the reports in (zero-socket run)', figure: us(f.netUs), target: '—', pass: null },
      { name: 'plain Socket.IO, same deltas, sockets and moments', figure: us(f.peerUs), target: '—', pass: null },
      { name: 'ratio, all of the server\'s CPU', figure: `${f.raw.toFixed(2)}×`, target: '—', pass: null },
      { name: 'ratio, fan-out CPU (net of taking reports in)', figure: `${f.net.toFixed(2)}×`, target: `≤ ${TARGET}×`, pass: f.net <= TARGET },
    ],
    method: `scripts/bench/fanout.ts, ${opts.rounds} rounds, medians of the per-round figures. Each round: the real server (child process) ` +
      `is sent ${opts.rate} single reports/s for ${opts.seconds} s with no socket (its CPU from /proc: what taking reports in costs); then ` +
      `the same with ${opts.sockets} socket.io-client sockets (websocket, ${opts.procs} watcher processes) on the province — ` +
      `${perSocket.toFixed(1)} deltas/s per socket (≤ 1 per ${FLUSH_MS} ms), heartbeats every ${HEARTBEAT_MS / 1000} s; then a plain Socket.IO ` +
      'server (scripts/bench/fanout-peer.ts: the same socket.io and options, server/realtime/realtime.ts SOCKET_OPTIONS) broadcasts to ' +
      'the same number of sockets the very messages (deltas, heartbeats, hazard:reported) socket 0 received from the real server, at ' +
      'the moments it received them. CPU per delivered message = CPU over the window / messages the clients counted in it. ' +
      `Load average at the start ${startLoad}. ${fanoutEnv}`,
    notes: [perRound],
  };
  log(`fanout: ${fanout.rows.map((r) => `${r.name}: ${r.figure}`).join('; ')}. ${perRound}`);

  log(`latency: ${BIG.sockets} sockets over ${BIG.procs} processes, ${BIG.rate}/s for ${BIG.seconds} s`);
  const env2 = envMeter();
  let l: LatencyResult;
  try {
    l = await benchLatency({ sockets: BIG.sockets, citySockets: BIG.citySockets, rate: BIG.rate, seconds: BIG.seconds, procs: BIG.procs, lone: BIG.lone });
  } catch (e) {
    // the fan-out figures stand on their own: a failed 2,000-socket run is reported beside them, not instead
    log(`latency at ${BIG.sockets} sockets failed: ${e instanceof Error ? e.stack : String(e)}`);
    return [fanout, {
      title: `ack → delta at ${int(BIG.sockets)} sockets`,
      rows: [{ name: `ack → delta p99 (${int(BIG.sockets)} sockets): did not complete`, figure: 'error', target: `≤ ${P99_TARGET} ms`, pass: false }],
      method: `${String(e)}. ${env2()}`, notes: [],
    }];
  }
  const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
  return [fanout, {
    title: `ack → delta at ${int(BIG.sockets)} sockets`,
    rows: [
      { name: `ack → delta p50 (${int(BIG.sockets)} sockets, ${BIG.procs} processes, ${BIG.rate} reports/s)`, figure: ms(l.p50), target: '—', pass: null },
      { name: `ack → delta p99 (province ${ms(l.provinceP99)}, city ${ms(l.cityP99)})`, figure: ms(l.p99), target: `≤ ${P99_TARGET} ms`, pass: l.p99 <= P99_TARGET },
      { name: 'lone reports (1/s) p50 / p99', figure: `${ms(l.lone.p50)} / ${ms(l.lone.p99)}`, target: '—', pass: null },
    ],
    method: `scripts/bench/latency.ts with ${int(BIG.sockets)} sockets (the first ${BIG.citySockets} also on a city) over ${BIG.procs} watcher ` +
      `processes, ${BIG.rate} reports/s for ${BIG.seconds} s, as in "ack → delta latency". ${env2()}`,
    notes: [
      `CPU as a share of one core: server ${pct(l.cpuShare.server)}, the ${BIG.procs} watcher processes ${pct(l.cpuShare.watchers)}, the ` +
        `poster ${pct(l.cpuShare.poster)}. ${int(l.samples)} arrivals, ${l.missing} missing, ${l.broken} broken chains; fan-out spread p99 ` +
        `${ms(l.fanoutP99)}; POST p50 / p99 ${ms(l.postP50)} / ${ms(l.postP99)}.`,
    ],
  }];
}
