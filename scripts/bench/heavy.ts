/**
 * Heavy reads on the 1M store (issue 11): the event-loop delay and a real wall socket's heartbeats and deltas while a
 * province-year briefing, a province export and a 20,000-row import run at once; an xlsx export of about 100,000
 * hazards (one city) with the server's RSS and CPU, beside its peers measured in the same run — the same rows as CSV
 * through the server, and the same cells written by exceljs' streaming writer alone from an in-memory array; a few
 * briefings and filtered lists (their own benchmarks are briefing-days.ts and list.ts).
 *
 * `npx tsx scripts/bench/heavy.ts [--store DIR] [--only a,b] [--skip a,b] [--resume] [--cut-s N] [--keep]`, or
 * `npm run bench -- --only heavy`. The store is never written: it is copied first (the server migrates, the import
 * writes). Every step has its own time limit; a step that fails or runs out of time is recorded with the reason and
 * the run goes on; after every step docs/measurements/heavy-reads.json is rewritten, so a run cut short leaves what
 * it measured, and `--resume` keeps the steps already measured on a store of the same size (those named in --only
 * run again). At the end the `heavy` block of docs/PERFORMANCE.md is rewritten (heavy-report.ts), nothing else of it.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { SqliteDriver } from '../../server/db/sqlite.driver';
import { ChainReads } from '../../server/hazards/chain.reads';
import type { StoredHazard } from '../../server/hazards/hazards.repository';
import { hazardView } from '../../server/hazards/hazards.service';
import { excel } from '../../server/import/excel';
import { exportCells, exportColumns } from '../../server/import/export';
import { PROVINCE_CODE } from '../../shared/regions';
import { addDays, dayOf, DEFAULT_TZ } from '../../shared/time';
import { makeHazard, rng } from '../../tests/helpers/hazards';
import { Screen } from '../../tests/helpers/live';
import { createTokens, tempDir } from '../../tests/helpers/server';
import { heavySection } from './heavy-report';
import { writeLedger } from './import';
import { spliceBlocks } from './splice';
import { buildServer, ensureStore } from './startup';
import { cpuMsOf, load, log, machine, percentile, rssOf, sleep, type Flags, type PartResult } from './util';

const ROOT = resolve(import.meta.dirname, '../..');
export const HEAVY_FILE = 'docs/measurements/heavy-reads.json';
/** 运城市: 105,613 of the bench store's 1,000,000 hazards, the city nearest 100,000 */
export const EXPORT_CITY = '140800';
const CITY = '140100'; // 太原市, for a city briefing and the lists
/** where the wall's poster reports, one hazard a second, so that deltas flow during every step */
const WALL_COUNTY = '141102';
const STEP_NAMES = ['start', 'idle', 'briefings', 'lists', 'exportXlsx', 'exportCsv', 'exceljsPeer', 'together'] as const;
type StepName = (typeof STEP_NAMES)[number];

type Delay = { p50: number; p99: number; max: number };
/** What a wall socket and the probes saw during one measured window. */
export type Liveness = {
  delay: Delay; healthzP99Ms: number; healthzMaxMs: number; probes: number;
  /** the longest time between two heartbeats (sent every 5 s) around and inside the window */
  heartbeatMaxGapMs: number; heartbeats: number;
  /** ack of a report in the wall's county → its delta on the wall socket */
  ackToDeltaP50Ms: number; ackToDeltaP99Ms: number; ackToDeltaMaxMs: number; reports: number; missingDeltas: number;
  deltaProblems: number;
  /** the wall's socket closed (before the window's end): the reason and when, from the window's start */
  wallClosed: string | null;
  /** the server's hz_sockets_dropped_total at the window's end (cut off for not reading what it was sent) */
  socketsDropped: number;
};
export type Measured = Liveness & { ms: number; cpuMs: number; rssBefore: number; rssPeak: number };
export type StepResult = { status: 'ok' | 'failed' | 'skipped'; message?: string; at: string; load: string } & Record<string, unknown>;
export type HeavyResult = {
  date: string; machine: string; store: string; hazards: number; transitions: number; loadStart: string; loadEnd: string;
  complete: boolean; steps: Partial<Record<StepName, StepResult>>;
};

type Server = { url: string; pid: number; child: ChildProcessByStdio<null, Readable, Readable>; logs: string[]; stop(): Promise<void> };

/** The production entry (`npm start`: the esbuild bundle) on `dataDir`; resolves at LISTENING. */
async function startOn(dataDir: string, timeoutMs: number): Promise<Server & { listeningMs: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--enable-source-maps', join(ROOT, 'dist/server/index.js')], {
    cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  let head = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const port = await new Promise<number>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no LISTENING in ${timeoutMs / 1000} s:\n${head.slice(-2000)}`)), timeoutMs);
    let buf = '';
    child.stdout.on('data', (b: Buffer) => {
      buf += b.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        const m = /^LISTENING (\d+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          ok(Number(m[1]));
        } else if (/"msg":"(export|import|aggregates rebuilt|integrity verified|integrity check still running[^"]*)"/.test(line)) logs.push(line);
      }
    });
    child.stderr.on('data', (b: Buffer) => (head += b.toString()));
    child.once('exit', (code) => fail(new Error(`server exited with ${code}:\n${head.slice(-2000)}`)));
  });
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, child, logs, stop, listeningMs: performance.now() - t0 };
}

/** ms of one GET with its body read in full (counting bytes, or lines for CSV); throws on a non-200. */
async function timed(url: string, token: string, signal?: AbortSignal): Promise<{ ms: number; bytes: number; lines: number; cut: boolean }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  let bytes = 0;
  let lines = 0;
  let cut = false;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
    }
  } catch (e) {
    if (!signal?.aborted) throw e;
    cut = true;
  }
  return { ms: performance.now() - t0, bytes, lines, cut };
}

/** The event-loop delay since the previous scrape (prom-client resets its histogram at every scrape). */
async function loopDelay(url: string): Promise<Delay> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const v = (name: string) => Number(new RegExp(`^nodejs_eventloop_lag_${name}_seconds (\\S+)`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p50: v('p50'), p99: v('p99'), max: v('max') };
}

/** Sockets the server has cut off since its start, all reasons. */
async function dropped(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^hz_sockets_dropped_total\{[^}]*\} (\S+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
}

async function upload(url: string, token: string, file: string): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(readFileSync(file))]), 'ledger.xlsx');
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/hazards/import`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`import answered ${res.status}: ${body.slice(0, 300)}`);
  return performance.now() - t0;
}

/**
 * A wall: a real socket.io-client socket (display token) subscribed to the province and to WALL_COUNTY, and a poster
 * reporting one hazard a second in that county, so that every window can say how long the wall waited for a
 * heartbeat and for the delta of a report it was shown.
 */
class Wall {
  private reports: Array<{ ackedAt: number; seq: number }> = [];
  private posting = true;
  private posted: Promise<void>;

  /** when and why the wall's socket closed (it does not reconnect: a drop must show) */
  readonly closed: Array<{ at: number; reason: string }> = [];

  private constructor(private readonly screen: Screen, private readonly url: string, private readonly reporter: string) {
    this.posted = this.post();
    screen.socket.on('disconnect', (reason) => this.closed.push({ at: performance.now(), reason: String(reason) }));
  }

  static async open(url: string, display: string, reporter: string): Promise<Wall> {
    const screen = await Screen.connect(url, display);
    await screen.subscribe(PROVINCE_CODE);
    await screen.subscribe(WALL_COUNTY);
    return new Wall(screen, url, reporter);
  }

  private async post(): Promise<void> {
    for (let i = 0; this.posting; i++) {
      const next = performance.now() + 1000;
      try {
        const h = makeHazard(rng(7000 + i), 7_000_000 + i, { regionCode: WALL_COUNTY });
        const headers = { authorization: `Bearer ${this.reporter}`, 'content-type': 'application/json' };
        const res = await fetch(`${this.url}/api/v1/hazards`, { method: 'POST', headers, body: JSON.stringify(h) });
        const ackedAt = performance.now();
        await res.arrayBuffer();
        // the report's change seq, as latency.ts reads it: the delta that carries it has a version at least that
        const got = res.status === 200 ? await fetch(`${this.url}/api/v1/hazards/${h.id}`, { headers }).then((x) => x.json() as Promise<{ version?: number }>) : null;
        if (got && Number.isFinite(got.version)) this.reports.push({ ackedAt, seq: got.version! });
      } catch {
        // the server going away ends the run elsewhere
      }
      await sleep(Math.max(0, next - performance.now()));
    }
  }

  /** What the wall saw between `from` and `to` (performance.now() times of this process). */
  seen(from: number, to: number): Omit<Liveness, 'delay' | 'healthzP99Ms' | 'healthzMaxMs' | 'probes' | 'socketsDropped'> {
    const beats = this.screen.heartbeats.map((h) => h.receivedAt);
    const before = beats.filter((t) => t < from).at(-1) ?? from;
    const inside = beats.filter((t) => t >= from && t <= to);
    const after = beats.find((t) => t > to) ?? to;
    const marks = [before, ...inside, after];
    let gap = 0;
    for (let i = 1; i < marks.length; i++) gap = Math.max(gap, marks[i]! - marks[i - 1]!);
    const deltas = this.screen.deltas.get(WALL_COUNTY)!;
    const lat: number[] = [];
    let missing = 0;
    for (const r of this.reports.filter((x) => x.ackedAt >= from && x.ackedAt <= to)) {
      const d = deltas.find((x) => x.version >= r.seq);
      if (d) lat.push(Math.max(0, d.receivedAt - r.ackedAt));
      else missing++;
    }
    lat.sort((a, b) => a - b);
    return {
      heartbeatMaxGapMs: gap, heartbeats: inside.length, ackToDeltaP50Ms: percentile(lat, 50), ackToDeltaP99Ms: percentile(lat, 99),
      ackToDeltaMaxMs: lat.at(-1) ?? NaN, reports: lat.length + missing, missingDeltas: missing, deltaProblems: this.screen.problems.length,
      wallClosed: this.closed.filter((c) => c.at <= to).map((c) => `${c.reason} at ${Math.round(c.at - from)} ms`).join('; ') || null,
    };
  }

  async close(): Promise<void> {
    this.posting = false;
    await this.posted;
    this.screen.close();
  }
}

/**
 * Runs `fn` while sampling the server's RSS (100 ms), probing /healthz (every 50 ms) and the wall; the event-loop delay
 * is the server's own histogram over the window (scraped, so reset, at its start).
 */
async function measured<T>(srv: Server, wall: Wall, fn: () => Promise<T>): Promise<{ value: T; m: Measured }> {
  await loopDelay(srv.url);
  const rssBefore = rssOf(srv.pid).rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    try {
      rssPeak = Math.max(rssPeak, rssOf(srv.pid).rss);
    } catch {
      // the server exited: the step fails on its own
    }
  }, 100);
  const cpu0 = cpuMsOf(srv.pid);
  const t0 = performance.now();
  const probes: number[] = [];
  let running = true;
  const prober = (async () => {
    while (running) {
      const p0 = performance.now();
      await fetch(`${srv.url}/healthz`).then((r) => r.arrayBuffer(), () => null);
      probes.push(performance.now() - p0);
      await sleep(50);
    }
  })();
  try {
    const value = await fn();
    const ms = performance.now() - t0;
    const cpuMs = cpuMsOf(srv.pid) - cpu0;
    running = false;
    await prober;
    // the wall's delta for the last reports may still be on its way: the next heartbeat or delta closes the window
    await sleep(1500);
    const delay = await loopDelay(srv.url);
    const socketsDropped = await dropped(srv.url);
    probes.sort((a, b) => a - b);
    return {
      value,
      m: { ms, cpuMs, rssBefore, rssPeak, delay, healthzP99Ms: percentile(probes, 99), healthzMaxMs: probes.at(-1) ?? NaN, probes: probes.length, socketsDropped, ...wall.seen(t0, t0 + ms) },
    };
  } finally {
    running = false;
    clearInterval(sampler);
  }
}

/** Races `p` against a time limit; the step is recorded as failed with the limit named. */
function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`${what}: no answer within ${ms / 1000} s`)), ms)))])
    .finally(() => clearTimeout(timer));
}

/** The same cells the server's xlsx export writes, read here from the copy, then written by exceljs alone (the ceiling). */
async function exceljsPeer(file: string, region: string): Promise<Record<string, unknown>> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const today = dayOf(Date.now(), DEFAULT_TZ);
  const cells: Array<Array<string | Date>> = [];
  try {
    const repo = new ChainReads(new SqliteDriver(db));
    let batch: StoredHazard[] = [];
    const flush = async () => {
      const actors = await repo.actorsOf(batch.flatMap((h) => [h.createdSeq, h.updatedSeq]));
      for (const h of batch) cells.push(exportCells({ hazard: hazardView(h, today), reportedBy: actors.get(h.createdSeq) ?? null, changedBy: actors.get(h.updatedSeq) ?? null }));
      batch = [];
    };
    for await (const h of repo.iterate({ region }, today)) {
      batch.push(h);
      if (batch.length >= 500) await flush();
    }
    if (batch.length) await flush();
  } finally {
    db.close();
  }
  let bytes = 0;
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => ((bytes += chunk.length), done()) });
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const c0 = cpu();
  const t0 = performance.now();
  const wb = new (excel().ExcelJS.stream.xlsx.WorkbookWriter)({ stream: sink, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet('隐患台账');
  ws.columns = exportColumns();
  for (const c of cells) ws.addRow(c).commit();
  ws.commit();
  await wb.commit();
  const ms = performance.now() - t0;
  return { rows: cells.length, ms, cpuMs: cpu() - c0, bytes, rowsPerS: cells.length / (ms / 1000), rowsPerCpuS: cells.length / ((cpu() - c0) / 1000) };
}

function countRows(file: string, region: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM hazards WHERE city_code = ? OR region_code = ? OR ? = ?').pluck().get(region, region, region, PROVINCE_CODE) as number;
  } finally {
    db.close();
  }
}

export type HeavyOptions = {
  store: string; hazards: number; transitions: number; out: string;
  only?: Set<string>; skip?: Set<string>; resume?: boolean; cutS?: number; keep?: boolean;
};

export async function benchHeavy(o: HeavyOptions): Promise<HeavyResult> {
  const info = await ensureStore(o.store, o.hazards, o.transitions);
  const outFile = resolve(ROOT, o.out);
  let previous: HeavyResult | null = null;
  if (o.resume && existsSync(outFile)) {
    const old = JSON.parse(readFileSync(outFile, 'utf8')) as HeavyResult;
    if (old.hazards === info.hazards && old.transitions === info.transitions && old.steps) previous = old;
  }
  const m = machine();
  const r: HeavyResult = {
    date: new Date().toISOString(), machine: `${m.cores} cores (${m.cpu}), ${m.memory}, Node ${m.node}, ${m.os}`, store: o.store,
    hazards: info.hazards, transitions: info.transitions, loadStart: load(), loadEnd: '', complete: false, steps: {},
  };
  const save = () => {
    mkdirSync(resolve(outFile, '..'), { recursive: true });
    writeFileSync(outFile, `${JSON.stringify({ ...r, loadEnd: load() }, null, 2)}\n`);
  };
  // the server's start is every other step's prerequisite: always run (and never kept from an earlier run)
  const wanted = (s: StepName) => s === 'start' || ((!o.only || o.only.has(s)) && !o.skip?.has(s));
  /** Runs one step under its limit; records ok / failed / skipped and saves; never throws. */
  const step = async (name: StepName, limitMs: number, fn: () => Promise<Record<string, unknown>>) => {
    const kept = previous?.steps[name];
    if (kept?.status === 'ok' && name !== 'start' && !o.only?.has(name)) {
      r.steps[name] = { ...kept, message: `kept from the run of ${previous!.date} (--resume)` };
      return save();
    }
    if (!wanted(name)) {
      r.steps[name] = { status: 'skipped', message: 'not asked for (--only / --skip)', at: new Date().toISOString(), load: load() };
      return save();
    }
    log(`heavy: ${name} (limit ${limitMs / 1000} s, load ${load()})`);
    const at = new Date().toISOString();
    const l = load();
    try {
      r.steps[name] = { status: 'ok', at, load: l, ...(await bounded(fn(), limitMs, name)) };
    } catch (e) {
      log(`heavy: ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
      r.steps[name] = { status: 'failed', message: e instanceof Error ? e.message : String(e), at, load: l };
    }
    save();
  };

  const dir = tempDir('hz-bench-heavy-');
  let srv: (Server & { listeningMs: number }) | null = null;
  let wall: Wall | null = null;
  const today = dayOf(Date.now(), DEFAULT_TZ);
  try {
    log(`heavy: copying ${o.store} to ${dir} (the original is never written)`);
    cpSync(join(o.store, 'hazards.sqlite'), join(dir, 'hazards.sqlite'));
    const tokens = await createTokens(dir, { admin: { role: 'admin', name: 'bench-heavy' }, display: { role: 'display', name: 'bench-wall' } });
    const admin = tokens.admin!;
    buildServer();
    const file = join(dir, 'hazards.sqlite');
    const q = (region: string, days: number) => `/api/v1/briefing?region=${region}&from=${addDays(today, -(days - 1))}&to=${today}`;
    const get = (path: string, signal?: AbortSignal) => timed(`${srv!.url}${path}`, admin, signal);

    await step('start', 1_200_000, async () => {
      srv = await startOn(dir, 900_000);
      const t0 = performance.now();
      // the first integrity check since the start: /healthz 503 `checking` until it passes (minutes of CPU at 1M)
      let healthy = false;
      while (performance.now() - t0 < 900_000) {
        if ((await fetch(`${srv.url}/healthz`).catch(() => null))?.status === 200) {
          healthy = true;
          break;
        }
        await sleep(250);
      }
      return { listeningMs: srv.listeningMs, healthyAfterListeningMs: healthy ? performance.now() - t0 : NaN, healthy, logs: [...srv.logs] };
    });
    if (!srv) throw new Error('the server did not start: nothing else can be measured');
    const live: Server = srv;
    wall = await Wall.open(live.url, tokens.display!, admin);
    const w = wall;

    await step('idle', 60_000, async () => (await measured(live, w, () => sleep(10_000))).m);
    await step('briefings', 600_000, async () => {
      const out: Record<string, unknown> = {};
      out.firstMs = (await get(q('140105', 1))).ms; // starts the read workers
      for (const [name, region, days] of [['provinceWeek', PROVINCE_CODE, 7], ['provinceYear', PROVINCE_CODE, 365], ['cityYear', CITY, 365]] as const) {
        try {
          out[`${name}Ms`] = (await get(q(region, days))).ms;
        } catch (e) {
          out[`${name}Error`] = String(e);
        }
      }
      return out;
    });
    await step('lists', 300_000, async () => {
      const lists: number[] = [];
      for (let i = 0; i < 20; i++) lists.push((await get(`/api/v1/hazards?region=${CITY}&sector=coal&overdue=true&limit=50`)).ms);
      lists.sort((a, b) => a - b);
      return { p50Ms: percentile(lists, 50), p99Ms: percentile(lists, 99), n: lists.length };
    });
    const exportStep = (format: 'xlsx' | 'csv') => async () => {
      const rows = countRows(file, EXPORT_CITY);
      const { value, m: meas } = await measured(live, w, () => get(`/api/v1/hazards/export?format=${format}&region=${EXPORT_CITY}`));
      // CSV: a header line, then one line per hazard (no cell holds a line break in the bench rows)
      return { region: EXPORT_CITY, rows, csvLines: format === 'csv' ? value.lines - 1 : undefined, bytes: value.bytes, rowsPerS: rows / (meas.ms / 1000), rowsPerCpuS: rows / (meas.cpuMs / 1000), ...meas };
    };
    await step('exportXlsx', 900_000, exportStep('xlsx'));
    await step('exportCsv', 900_000, exportStep('csv'));
    await step('exceljsPeer', 600_000, () => exceljsPeer(file, EXPORT_CITY));
    await step('together', 900_000, async () => {
      const tmp = tempDir('hz-bench-heavy-ledger-');
      try {
        const ledger = join(tmp, 'ledger.xlsx');
        await writeLedger(ledger, 20_000);
        const cutS = o.cutS ?? 60;
        const cut = new AbortController();
        const { value, m: meas } = await measured(live, w, async () => {
          const timer = setTimeout(() => cut.abort(), cutS * 1000);
          const settle = <T>(p: Promise<T>) => p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e: String(e) }));
          try {
            const [briefing, imported, exported] = await Promise.all([
              settle(get(q(PROVINCE_CODE, 365))), settle(upload(live.url, admin, ledger)), settle(get(`/api/v1/hazards/export?format=xlsx&region=${PROVINCE_CODE}`, cut.signal)),
            ]);
            return { briefing, imported, exported };
          } finally {
            clearTimeout(timer);
          }
        });
        const { briefing, imported, exported } = value;
        return {
          ...meas, cutS,
          briefingMs: briefing.ok ? briefing.v.ms : NaN, briefingError: briefing.ok ? undefined : briefing.e,
          importMs: imported.ok ? imported.v : NaN, importError: imported.ok ? undefined : imported.e,
          exportMs: exported.ok ? exported.v.ms : NaN, exportBytes: exported.ok ? exported.v.bytes : 0, exportCut: exported.ok ? exported.v.cut : undefined,
          exportError: exported.ok ? undefined : exported.e,
        };
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
    r.complete = STEP_NAMES.every((s) => r.steps[s]?.status !== 'failed');
  } catch (e) {
    log(`heavy: stopped: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await (wall as Wall | null)?.close().catch(() => undefined);
    await (srv as Server | null)?.stop().catch(() => undefined);
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
    r.loadEnd = load();
    save();
  }
  return r;
}

/** docs/PERFORMANCE.md's `heavy` block from the results file: the only part of it a heavy run writes. */
export function writeHeavyBlock(doc: string, results: string): void {
  const text = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Performance\n';
  writeFileSync(doc, spliceBlocks(text, [{ name: 'heavy', text: heavySection(results).join('\n') }]));
}

/** The `heavy` part of `npm run bench`: its figures go to the heavy block (report.ts renders it from HEAVY_FILE). */
export async function heavyPart(flags: Flags): Promise<PartResult> {
  const r = await benchHeavy({ store: flags.startupDir, hazards: flags.startupHazards, transitions: flags.transitions, out: HEAVY_FILE });
  const failed = STEP_NAMES.filter((s) => r.steps[s]?.status === 'failed');
  return {
    title: 'Heavy reads', rows: [],
    method: 'scripts/bench/heavy.ts: see the section "Heavy reads: benchmark figures" above, and docs/perf/heavy.md.',
    notes: failed.length ? [`steps that did not complete: ${failed.map((s) => `${s} (${String(r.steps[s]!.message)})`).join('; ')}`] : [],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (k: string) => {
    const i = args.indexOf(`--${k}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const set = (k: string) => (opt(k) ? new Set(opt(k)!.split(',')) : undefined);
  const o: HeavyOptions = {
    store: opt('store') ?? '/tmp/hz-bench-1m', hazards: Number(opt('hazards') ?? 1_000_000), transitions: Number(opt('transitions') ?? 300_000),
    out: opt('out') ?? HEAVY_FILE, only: set('only'), skip: set('skip'), resume: args.includes('--resume'), cutS: opt('cut-s') ? Number(opt('cut-s')) : undefined,
    keep: args.includes('--keep'),
  };
  benchHeavy(o).then((r) => {
    writeHeavyBlock(join(ROOT, 'docs/PERFORMANCE.md'), resolve(ROOT, o.out));
    console.log(JSON.stringify(r, null, 2));
    process.exit(r.complete ? 0 : 1);
  }, (e: unknown) => {
    console.error(e);
    process.exit(2);
  });
}
