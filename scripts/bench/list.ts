/**
 * Filtered lists on the 1M store (issue 11: "first page of a filtered list (region + sector + overdue), p99 ≤ 50 ms").
 * The real server (from the TypeScript sources with tsx, as scripts/bench/heavy.ts starts it) runs on a copy of the
 * store; first pages of many filter combinations are timed over HTTP — each family with a fresh random county, city
 * or sector per request — one at a time and from several concurrent clients, with the server's CPU time per page
 * and the load average. Beside them, in the same run: the same page's statement run directly on a read-only
 * connection in this process (the floor: what SQLite itself takes), and optionally the code of another checkout
 * (`--peer DIR`, e.g. /work/main before the change) on its own copy of the store. Then the price of the list
 * indexes at ingest: hazards ingested and moved through the workflow with migration 014's indexes and with the ones
 * it replaced, alternately, CPU time per hazard.
 *
 *   npx tsx scripts/bench/list.ts [--store DIR] [--peer DIR] [--per-family N] [--peer-per-family N] [--seconds N]
 *                                 [--ingest-rounds N] [--out FILE]
 *   npm run bench -- --only list        (no peer; the store of --startup-dir)
 *
 * Writes docs/measurements/list.json (or --out); docs/perf/list.md reads from it.
 */
import Database from 'better-sqlite3';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { actorOf } from '../../server/auth/auth';
import { SqliteTokenStore } from '../../server/auth/tokens';
import { openSqlite } from '../../server/db/sqlite';
import { SqliteDriver } from '../../server/db/sqlite.driver';
import { ChainStore } from '../../server/hazards/chain.store';
import { normalise } from '../../server/hazards/normalise';
import { listSql } from '../../server/hazards/list-sql';
import { transition } from '../../server/hazards/workflow';
import { SECTOR_CODES } from '../../shared/domain';
import { getRegion } from '../../shared/regions';
import type { ListFilter } from '../../shared/schemas';
import { DEFAULT_TZ, dayOf } from '../../shared/time';
import { rng } from '../../tests/helpers/hazards';
import { tempDir } from '../../tests/helpers/server';
import { BENCH_AUTH, batches, benchHazards } from './rows';
import { ensureStore, listeningPort } from './startup';
import { cpuMsOf, load, log, machine, percentile, type Flags, type PartResult } from './util';

const ROOT = resolve(import.meta.dirname, '../..');
export const LIST_FILE = 'docs/measurements/list.json';
const TARGET_MS = 50;

type Server = { url: string; pid: number; log(): string; stop(): Promise<void> };

/** The server of checkout `root` on `dataDir` (tsx), healthy. */
async function startServer(root: string, dataDir: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/index.ts')], {
    cwd: root, env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const { port, output } = await listeningPort(child, 900_000);
  const url = `http://127.0.0.1:${port}`;
  while ((await fetch(`${url}/healthz`).catch(() => null))?.status !== 200) await new Promise((r) => setTimeout(r, 50));
  return { url, pid: child.pid!, log: output, stop: async () => (child.kill('SIGTERM'), await exited) };
}

/** A family of list requests: a name, and a query (with `limit`) made fresh from the random source each time. */
type Family = { name: string; target: boolean; make: (r: ReturnType<typeof rng>) => ListFilter & { limit: number } };

function families(counties: string[], cities: string[]): Family[] {
  const sector = (r: ReturnType<typeof rng>) => r.pick(SECTOR_CODES);
  return [
    { name: 'county + sector + overdue', target: true, make: (r) => ({ region: r.pick(counties), sector: sector(r), overdue: true, limit: 50 }) },
    { name: 'city + sector + overdue', target: true, make: (r) => ({ region: r.pick(cities), sector: sector(r), overdue: true, limit: 50 }) },
    { name: 'province + overdue', target: true, make: () => ({ overdue: true, limit: 50 }) },
    { name: 'province + sector + overdue', target: true, make: (r) => ({ sector: sector(r), overdue: true, limit: 50 }) },
    { name: 'county + sector + overdue, by deadline', target: true, make: (r) => ({ region: r.pick(counties), sector: sector(r), overdue: true, order: 'deadline', limit: 50 }) },
    { name: 'city + overdue, by deadline (wall, 100)', target: false, make: (r) => ({ region: r.pick(cities), overdue: true, order: 'deadline', limit: 100 }) },
    { name: 'planMissing, province (wall, 100)', target: false, make: () => ({ planMissing: true, limit: 100 }) },
    { name: 'city + planMissing', target: false, make: (r) => ({ region: r.pick(cities), planMissing: true, limit: 50 }) },
    { name: 'desk queue: county + rectifying, not overdue, by deadline', target: false, make: (r) => ({ region: r.pick(counties), status: 'rectifying', overdue: false, order: 'deadline', limit: 50 }) },
    { name: 'city + major (presentation, 60)', target: false, make: (r) => ({ region: r.pick(cities), level: 'major', limit: 60 }) },
  ];
}

const query = (q: ListFilter & { limit: number; cursor?: string }) =>
  new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString();

/** One GET of a list page; ms, and the next cursor. 429 (the node's bound) and 5xx are counted by the caller, not thrown. */
async function page(url: string, token: string, q: ListFilter & { limit: number; cursor?: string }): Promise<{ ms: number; status: number; next: string | null; n: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/hazards?${query(q)}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { items?: unknown[]; nextCursor?: string | null };
  const ms = performance.now() - t0;
  if (res.status !== 200 && res.status !== 429 && res.status < 500) throw new Error(`${query(q)} answered ${res.status}: ${JSON.stringify(body)}`);
  return { ms, status: res.status, next: body.nextCursor ?? null, n: body.items?.length ?? 0 };
}

type Stats = { n: number; p50: number; p99: number; max: number };
const stats = (xs: number[]): Stats => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
};

export type ServerRun = {
  code: string; loadStart: string; loadEnd: string; startMs: number;
  sequential: Record<string, Stats & { items: number; failed: number }>; sequentialAll: Stats; sequentialTarget: Stats; serverCpuMsPerPage: number;
  deepPages: Stats & { pages: number };
  concurrent: Array<{ clients: number; seconds: number; pages: number; busy: number; failed: number; perSecond: number; serverCpuMsPerPage: number } & Stats>;
  /** the server's own log lines about failures (5xx answers), if any */
  errors: string[];
};

/** The list benchmark against one server (code of `root`) on its own copy of `store`. */
async function runServer(root: string, store: string, token: string, fams: Family[], perFamily: number, seconds: number): Promise<ServerRun> {
  const t0 = performance.now();
  const loadStart = load();
  const srv = await startServer(root, store);
  const startMs = performance.now() - t0;
  try {
    const r = rng(20_261_202);
    await page(srv.url, token, { limit: 1 }); // starts the read workers
    const sequential: ServerRun['sequential'] = {};
    const all: number[] = [];
    const target: number[] = [];
    const cpu0 = cpuMsOf(srv.pid);
    for (const f of fams) {
      log(`list: ${f.name} × ${perFamily}`);
      const ms: number[] = [];
      let items = 0;
      let failed = 0;
      for (let i = 0; i < perFamily; i++) {
        const p = await page(srv.url, token, f.make(r));
        if (p.status !== 200) failed++;
        ms.push(p.ms);
        items += p.n;
      }
      sequential[f.name] = { ...stats(ms), items: Math.round(items / perFamily), failed };
      all.push(...ms);
      if (f.target) target.push(...ms);
    }
    const serverCpuMsPerPage = (cpuMsOf(srv.pid) - cpu0) / all.length;
    // keyset pages further in: ten pages of a city's sector's overdue hazards, cursor after cursor
    const deep: number[] = [];
    let pages = 0;
    for (let i = 0; i < Math.max(2, Math.round(perFamily / 10)); i++) {
      let q: ListFilter & { limit: number; cursor?: string } = fams[1]!.make(r);
      for (let k = 0; k < 10; k++) {
        const p = await page(srv.url, token, q);
        if (k > 0) deep.push(p.ms);
        pages++;
        if (!p.next) break;
        q = { ...q, cursor: p.next };
      }
    }
    const concurrent: ServerRun['concurrent'] = [];
    for (const clients of [4, 8]) {
      log(`list: ${clients} concurrent clients for ${seconds} s`);
      const ms: number[] = [];
      let busy = 0;
      let failed = 0;
      const c0 = cpuMsOf(srv.pid);
      const until = performance.now() + seconds * 1000;
      const t1 = performance.now();
      await Promise.all(Array.from({ length: clients }, async (_, c) => {
        const cr = rng(1000 + c);
        while (performance.now() < until) {
          const p = await page(srv.url, token, cr.pick(fams).make(cr));
          if (p.status === 429) busy++;
          else if (p.status !== 200) failed++;
          else ms.push(p.ms);
        }
      }));
      const elapsed = (performance.now() - t1) / 1000;
      concurrent.push({ clients, seconds: elapsed, pages: ms.length, busy, failed, perSecond: ms.length / elapsed, serverCpuMsPerPage: (cpuMsOf(srv.pid) - c0) / Math.max(1, ms.length + busy), ...stats(ms) });
    }
    return {
      code: `${root} @ ${execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()}`, loadStart, loadEnd: load(), startMs, sequential, sequentialAll: stats(all), sequentialTarget: stats(target), serverCpuMsPerPage,
      deepPages: { ...stats(deep), pages }, concurrent,
      errors: srv.log().split('\n').filter((l) => /"level":(50|60)|error/i.test(l)).slice(0, 20).map((l) => l.slice(0, 600)),
    };
  } finally {
    await srv.stop();
  }
}

/** The same first pages' statements on a read-only connection in this process: what the database itself takes. */
function inProcess(file: string, fams: Family[], perFamily: number, today: string): Record<string, { wall: Stats; cpu: Stats }> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('cache_size = -32768');
  try {
    const r = rng(20_261_202);
    const out: Record<string, { wall: Stats; cpu: Stats }> = {};
    for (const f of fams) {
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < perFamily; i++) {
        const { limit, ...filter } = f.make(r);
        const { sql, params } = listSql(filter, limit, undefined, today, 'sqlite');
        const st = db.prepare(sql);
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        st.all(params);
        wall.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
      out[f.name] = { wall: stats(wall), cpu: stats(cpu) };
    }
    return out;
  } finally {
    db.close();
  }
}

/** Migration 014, undone: the order indexes of 001 and (status, deadline), for the ingest comparison. */
const BEFORE_014 = `
  DROP INDEX hazards_list_newest; DROP INDEX hazards_list_city; DROP INDEX hazards_list_region;
  DROP INDEX hazards_list_deadline; DROP INDEX hazards_list_region_deadline;
  CREATE INDEX hazards_newest ON hazards (discovered_at DESC, id DESC);
  CREATE INDEX hazards_region ON hazards (region_code, discovered_at DESC);
  CREATE INDEX hazards_city ON hazards (city_code, discovered_at DESC);
  CREATE INDEX hazards_open_deadline ON hazards (status, deadline);`;

export type IngestPrice = { hazards: number; moves: number; table?: ReturnType<typeof indexPrice>; rounds: Array<{ indexes: '014' | 'before 014'; ingestCpuUsPerHazard: number; ingestWallUsPerHazard: number; moveCpuUs: number; moveWallUs: number }> };

/**
 * CPU and wall time per hazard ingested (batches of 500, as the HTTP bench sends them) into an empty store that
 * already holds `base` hazards, and per workflow move (into rectification: status is in the list indexes), with
 * 014's indexes and with the ones it replaced; alternated so that the machine's load falls on both alike.
 */
async function ingestPrice(rounds: number, n = 20_000, base = 50_000, moves = 5_000): Promise<IngestPrice> {
  const out: IngestPrice = { hazards: n, moves, rounds: [] };
  const actor = actorOf(BENCH_AUTH);
  const seedRows = benchHazards(base, 7, 'P').map((h) => normalise(h, DEFAULT_TZ));
  const rows = benchHazards(n, 8, 'Q').map((h) => normalise(h, DEFAULT_TZ));
  for (let round = 0; round < rounds * 2; round++) {
    const indexes = round % 2 === 0 ? 'before 014' : '014';
    const dir = tempDir('hz-list-ingest-');
    try {
      const db = openSqlite(join(dir, 'hazards.sqlite'));
      if (indexes === 'before 014') db.exec(BEFORE_014);
      const repo = await ChainStore.open(new SqliteDriver(db), DEFAULT_TZ);
      for (const b of batches(seedRows, 5000)) await repo.ingest(b, actor, new Date().toISOString());
      let c0 = process.cpuUsage();
      let t0 = performance.now();
      for (const b of batches(rows, 500)) await repo.ingest(b, actor, new Date().toISOString());
      let c = process.cpuUsage(c0);
      const ingestCpuUsPerHazard = (c.user + c.system) / n;
      const ingestWallUsPerHazard = ((performance.now() - t0) * 1000) / n;
      c0 = process.cpuUsage();
      t0 = performance.now();
      for (let k = 0; k < moves; k++) {
        const at = new Date().toISOString();
        const r = await repo.mutate(rows[k]!.input.id, actor, at, (h) => transition({ to: 'rectifying' }, Date.now())(h, at));
        if (!r.ok) throw new Error(r.message);
      }
      c = process.cpuUsage(c0);
      out.rounds.push({ indexes, ingestCpuUsPerHazard, ingestWallUsPerHazard, moveCpuUs: (c.user + c.system) / moves, moveWallUs: ((performance.now() - t0) * 1000) / moves });
      log(`list: ingest with ${indexes} indexes: ${ingestCpuUsPerHazard.toFixed(1)} µs CPU per hazard, ${out.rounds.at(-1)!.moveCpuUs.toFixed(1)} µs per move`);
      await repo.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

/**
 * The indexes alone: the same rows inserted into a bare hazards table (001's columns, no chain, no per-day counts)
 * holding `base` rows, with 014's indexes or the ones it replaced, then the status of `moves` rows changed —
 * what each index set adds to a row, without the rest of an ingest around it. CPU µs per row, alternated.
 */
function indexPrice(rounds: number, n = 50_000, base = 200_000, moves = 20_000): Array<{ indexes: '014' | 'before 014'; insertCpuUs: number; updateCpuUs: number }> {
  const out: Array<{ indexes: '014' | 'before 014'; insertCpuUs: number; updateCpuUs: number }> = [];
  const all = benchHazards(base + n, 9, 'X').map((h) => normalise(h, DEFAULT_TZ));
  for (let round = 0; round < rounds * 2; round++) {
    const indexes = round % 2 === 0 ? 'before 014' : '014';
    const dir = tempDir('hz-list-index-');
    try {
      const db = openSqlite(join(dir, 'hazards.sqlite'));
      if (indexes === 'before 014') db.exec(BEFORE_014);
      db.pragma('synchronous = OFF'); // the index work, not the fsync
      const ins = db.prepare(`INSERT INTO hazards (id, region_code, city_code, sector, level, status, source, deadline, listed_by, discovered_at,
        discovered_day, reported_at, updated_at, closed_at, closed_day, extensions, created_seq, updated_seq, content_hash, input)
        VALUES (?, ?, ?, ?, ?, 'reported', ?, ?, NULL, ?, ?, ?, ?, NULL, NULL, 0, ?, ?, ?, ?)`);
      const insert = db.transaction((rows: typeof all, from: number) => rows.forEach((h, i) => {
        const region = getRegion(h.input.regionCode);
        const city = region?.level === 'city' ? region.code : region?.parent ?? h.input.regionCode;
        ins.run(h.input.id, h.input.regionCode, city, h.input.sector, h.input.level, h.input.source, h.input.deadline ?? null, h.input.discoveredAt,
          h.discoveredDay, h.input.discoveredAt, h.input.discoveredAt, from + i, from + i, h.contentHash, JSON.stringify(h.input));
      }));
      for (const [i, b] of batches(all.slice(0, base), 5000).entries()) insert(b, i * 5000);
      let c0 = process.cpuUsage();
      for (const [i, b] of batches(all.slice(base), 500).entries()) insert(b, base + i * 500);
      let c = process.cpuUsage(c0);
      const insertCpuUs = (c.user + c.system) / n;
      const upd = db.prepare("UPDATE hazards SET status = 'rectifying', updated_seq = updated_seq + 1 WHERE id = ?");
      const update = db.transaction((ids: string[]) => ids.forEach((id) => upd.run(id)));
      const ids = all.slice(0, moves).map((h) => h.input.id);
      c0 = process.cpuUsage();
      for (const b of batches(ids, 500)) update(b);
      c = process.cpuUsage(c0);
      out.push({ indexes, insertCpuUs, updateCpuUs: (c.user + c.system) / moves });
      log(`list: bare table with ${indexes} indexes: insert ${insertCpuUs.toFixed(1)} µs, status change ${out.at(-1)!.updateCpuUs.toFixed(1)} µs CPU per row`);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

export type ListResult = {
  date: string; machine: ReturnType<typeof machine>; store: { dir: string; hazards: number; transitions: number }; mode: 'tsx';
  after: ServerRun; peer: ServerRun | null; inProcess: Record<string, { wall: Stats; cpu: Stats }>; ingest: IngestPrice;
};

/** The store's counties and cities that hold hazards, from the store itself (read-only). */
function regionsOf(file: string): { counties: string[]; cities: string[] } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const codes = db.prepare('SELECT DISTINCT region_code FROM hazards').pluck().all() as string[];
    return {
      counties: codes.filter((c) => ['county', 'zone'].includes(getRegion(c)?.level ?? '')),
      cities: [...new Set(db.prepare('SELECT DISTINCT city_code FROM hazards').pluck().all() as string[])],
    };
  } finally {
    db.close();
  }
}

/** A copy of the store: the server migrates and rebuilds what it starts on; the original is never written. */
function copyStore(from: string): string {
  const dir = tempDir('hz-list-1m-');
  log(`list: copying ${from} to ${dir}`);
  cpSync(from, dir, { recursive: true });
  return dir;
}

/** An admin token in the copy, through the token store on a plain connection: no migration runs (the peer's code may have other ones). */
async function tokenIn(dir: string): Promise<string> {
  const db = new Database(join(dir, 'hazards.sqlite'));
  try {
    return (await new SqliteTokenStore(db).create({ role: 'admin', name: 'bench-list' })).token;
  } finally {
    db.close();
  }
}

export async function benchList(o: { store: string; hazards: number; transitions: number; peer?: string; perFamily?: number; peerPerFamily?: number; seconds?: number; ingestRounds?: number }): Promise<ListResult> {
  const info = await ensureStore(o.store, o.hazards, o.transitions);
  const perFamily = o.perFamily ?? 60;
  const seconds = o.seconds ?? 20;
  const today = dayOf(Date.now(), DEFAULT_TZ);
  const { counties, cities } = regionsOf(join(o.store, 'hazards.sqlite'));
  const fams = families(counties, cities);
  // one copy for both: the peer's server first (its own migrations), then this checkout's, which migrates it on
  const copy = copyStore(o.store);
  try {
    const token = await tokenIn(copy);
    const peer = o.peer ? await runServer(resolve(o.peer), copy, token, fams, o.peerPerFamily ?? 10, Math.min(seconds, 10)) : null;
    const after = await runServer(ROOT, copy, token, fams, perFamily, seconds);
    // the copy is migrated now: the same statements in this process, on the indexes the server used
    const direct = inProcess(join(copy, 'hazards.sqlite'), fams, perFamily, today);
    const ingest = await ingestPrice(o.ingestRounds ?? 3);
    ingest.table = indexPrice(o.ingestRounds ?? 3);
    return {
      date: new Date().toISOString(), machine: machine(), store: { dir: o.store, hazards: info.hazards, transitions: info.transitions }, mode: 'tsx',
      after, peer, inProcess: direct, ingest,
    };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');

/** The part of `npm run bench`: the after figures only (a peer checkout is a standalone option). */
export async function listPart(flags: Flags): Promise<PartResult> {
  const r = await benchList({ store: flags.startupDir, hazards: flags.startupHazards, transitions: flags.transitions });
  writeResult(LIST_FILE, r);
  const t = r.after.sequentialTarget;
  const c4 = r.after.concurrent[0]!;
  return {
    title: 'Filtered lists (1M hazards)',
    rows: [
      { name: 'first page, region + sector + overdue (5 families), sequential, p99', figure: `${f1(t.p99)} ms (p50 ${f1(t.p50)}, n ${t.n})`, target: `≤ ${TARGET_MS} ms`, pass: t.p99 <= TARGET_MS },
      { name: `first page, all families, ${c4.clients} concurrent clients, p99`, figure: `${f1(c4.p99)} ms (${f1(c4.perSecond)} pages/s, ${c4.busy} × 429)`, target: '—', pass: null },
      { name: 'server CPU per first page (sequential)', figure: `${f1(r.after.serverCpuMsPerPage)} ms`, target: '—', pass: null },
    ],
    method: 'scripts/bench/list.ts: the real server (tsx) on a copy of the 1M store; see docs/perf/list.md.',
    notes: [`load average ${r.after.loadStart} → ${r.after.loadEnd}`],
  };
}

function writeResult(file: string, r: ListResult): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileSync(resolve(file), `${JSON.stringify(r, null, 2)}\n`);
}

function printRun(label: string, s: ServerRun): void {
  console.log(`\n${label} (${s.code}); load ${s.loadStart} → ${s.loadEnd}; start ${f1(s.startMs / 1000)} s; server CPU ${f1(s.serverCpuMsPerPage)} ms per page`);
  for (const [name, v] of Object.entries(s.sequential)) console.log(`  ${name.padEnd(58)} p50 ${f1(v.p50).padStart(7)}  p99 ${f1(v.p99).padStart(7)}  max ${f1(v.max).padStart(7)}  (${v.n}, ${v.items} items${v.failed ? `, ${v.failed} failed` : ''})`);
  console.log(`  target families: p50 ${f1(s.sequentialTarget.p50)} p99 ${f1(s.sequentialTarget.p99)} ms; all: p50 ${f1(s.sequentialAll.p50)} p99 ${f1(s.sequentialAll.p99)} ms`);
  console.log(`  pages 2–10 by cursor: p50 ${f1(s.deepPages.p50)} p99 ${f1(s.deepPages.p99)} ms (${s.deepPages.n})`);
  for (const e of s.errors) console.log(`  server: ${e}`);
  for (const c of s.concurrent) console.log(`  ${c.clients} clients: ${f1(c.perSecond)} pages/s, p50 ${f1(c.p50)} p99 ${f1(c.p99)} ms, ${c.busy} × 429, ${c.failed} × 5xx, server CPU ${f1(c.serverCpuMsPerPage)} ms per page`);
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (argv.includes('--index-price')) {
    // the index price alone, without the 1M store: `--index-price [--ingest-rounds N]`
    const rounds = Number(arg('ingest-rounds') ?? 3);
    console.log(JSON.stringify({ date: new Date().toISOString(), loadStart: load(), table: indexPrice(rounds), ingest: await ingestPrice(rounds), loadEnd: load() }, null, 2));
    return;
  }
  const store = arg('store') ?? '/tmp/hz-bench-1m';
  if (!existsSync(join(store, 'bench-store.json'))) log(`list: ${store} has no complete store yet: generating one`);
  const r = await benchList({
    store, hazards: 1_000_000, transitions: 300_000, peer: arg('peer'),
    perFamily: Number(arg('per-family') ?? 60), peerPerFamily: Number(arg('peer-per-family') ?? 10), seconds: Number(arg('seconds') ?? 20),
    ingestRounds: Number(arg('ingest-rounds') ?? 3),
  });
  const out = arg('out') ?? LIST_FILE;
  writeResult(out, r);
  console.log(`${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.node}; ${r.date}`);
  printRun('after', r.after);
  if (r.peer) printRun('peer', r.peer);
  console.log('\nin process (the same statements, read-only connection):');
  for (const [name, v] of Object.entries(r.inProcess)) console.log(`  ${name.padEnd(58)} wall p50 ${f1(v.wall.p50)} p99 ${f1(v.wall.p99)}  CPU p50 ${f1(v.cpu.p50)} p99 ${f1(v.cpu.p99)} ms`);
  console.log('\ningest price (µs per hazard, per move):');
  for (const x of r.ingest.table ?? []) console.log(`  ${x.indexes.padEnd(11)} bare table: insert CPU ${f1(x.insertCpuUs)}, status change CPU ${f1(x.updateCpuUs)}`);
  for (const x of r.ingest.rounds) console.log(`  ${x.indexes.padEnd(11)} ingest CPU ${f1(x.ingestCpuUsPerHazard)} wall ${f1(x.ingestWallUsPerHazard)}; move CPU ${f1(x.moveCpuUs)} wall ${f1(x.moveWallUs)}`);
  log(`wrote ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(() => process.exit(0), (e: unknown) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  });
}
