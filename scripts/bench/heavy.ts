/**
 * Heavy reads on the 1M store (issue 11): briefings of several periods, the first page of a filtered list,
 * an xlsx export with the server's RSS sampled, and the event-loop delay while a province-year briefing, a
 * province export and a 20,000-row import run at once. `npx tsx scripts/bench/heavy.ts` (or `npm run bench --
 * --only heavy`): writes docs/measurements/heavy-reads.json, which the report includes.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROVINCE_CODE } from '../../shared/regions';
import { addDays, dayOf, DEFAULT_TZ } from '../../shared/time';
import { createTokens, tempDir } from '../../tests/helpers/server';
import { writeLedger } from './import';
import { heavySection, withHeavySection } from './heavy-report';
import { ensureStore } from './startup';
import { load, log, percentile, rssOf, sleep } from './util';

const ROOT = resolve(import.meta.dirname, '../..');
export const HEAVY_FILE = 'docs/measurements/heavy-reads.json';
const CITY = '140100'; // 太原市

type Server = { url: string; pid: number; stop(): Promise<void> };

async function startOn(dataDir: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/index.ts')], {
    cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const port = await new Promise<number>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no LISTENING in 180 s:\n${out}`)), 180_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(Number(m[1]));
      }
    });
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => fail(new Error(`server exited with ${code}:\n${out}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: async () => (child.kill('SIGTERM'), await exited) };
}

/** The hazards an export of `city` holds, counted straight from the file (read-only). */
function countRows(dir: string, city: string): number {
  const db = new Database(join(dir, 'hazards.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM hazards WHERE city_code = ?').pluck().get(city) as number;
  } finally {
    db.close();
  }
}

/** ms of one GET (body read in full); throws on a non-200. */
async function timed(url: string, token: string, signal?: AbortSignal): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal });
  const bytes = (await res.arrayBuffer()).byteLength;
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return { ms: performance.now() - t0, bytes };
}

/** The event-loop delay since the previous scrape (prom-client resets its histogram at every scrape). */
async function loopDelay(url: string): Promise<{ p50: number; p99: number; max: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const v = (name: string) => Number(new RegExp(`^nodejs_eventloop_lag_${name}_seconds (\\S+)`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p50: v('p50'), p99: v('p99'), max: v('max') };
}

/** Samples the server's RSS every 100 ms while `fn` runs; returns fn's value and the peak growth. */
async function withRss<T>(pid: number, fn: () => Promise<T>): Promise<{ value: T; before: number; peak: number }> {
  const before = rssOf(pid).rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid).rss)), 100);
  try {
    return { value: await fn(), before, peak };
  } finally {
    clearInterval(timer);
  }
}

async function upload(url: string, token: string, file: string): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(readFileSync(file))]), 'ledger.xlsx');
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/hazards/import`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`import answered ${res.status}`);
  return performance.now() - t0;
}

export type HeavyResult = Record<string, unknown> & { date: string; loadStart: string; loadEnd: string };

export async function benchHeavy(dir = '/tmp/hz-bench-1m', hazards = 1_000_000, transitions = 300_000): Promise<HeavyResult> {
  const store = await ensureStore(dir, hazards, transitions);
  const { admin } = await createTokens(dir, { admin: { role: 'admin', name: 'bench-heavy' } });
  const loadStart = load();
  const srv = await startOn(dir);
  const today = dayOf(Date.now(), DEFAULT_TZ);
  const q = (region: string, days: number) => `${srv.url}/api/v1/briefing?region=${region}&from=${addDays(today, -(days - 1))}&to=${today}`;
  const out: Record<string, unknown> = { hazards: store.hazards, transitions: store.transitions };
  try {
    out.firstBriefingMs = (await timed(q('140105', 1), admin!)).ms; // starts the read workers
    const idle = await loopDelay(srv.url);
    for (const [name, region, days] of [['provinceWeek', PROVINCE_CODE, 7], ['provinceMonth', PROVINCE_CODE, 30], ['provinceYear', PROVINCE_CODE, 365], ['cityYear', CITY, 365]] as const) {
      log(`heavy: briefing ${name}`);
      out[`${name}Ms`] = (await timed(q(region, days), admin!)).ms;
    }
    log('heavy: filtered lists');
    const lists: number[] = [];
    for (let i = 0; i < 20; i++) lists.push((await timed(`${srv.url}/api/v1/hazards?region=${CITY}&sector=coal&overdue=true&limit=50`, admin!)).ms);
    lists.sort((a, b) => a - b);
    Object.assign(out, { listP50Ms: percentile(lists, 50), listP99Ms: percentile(lists, 99) });
    log('heavy: city export');
    await loopDelay(srv.url);
    const exp = await withRss(srv.pid, () => timed(`${srv.url}/api/v1/hazards/export?format=xlsx&region=${CITY}`, admin!));
    const exportDelay = await loopDelay(srv.url);
    const rows = countRows(dir, CITY);
    Object.assign(out, { exportMs: exp.value.ms, exportBytes: exp.value.bytes, exportRssBefore: exp.before, exportRssPeak: exp.peak, exportDelay, idleDelay: idle, exportRowsApprox: rows });
    out.together = await together(srv, admin!, q(PROVINCE_CODE, 365));
  } finally {
    await srv.stop();
  }
  return { ...out, date: new Date().toISOString(), loadStart, loadEnd: load() };
}

/** A province-year briefing, a province export (cut after 30 s) and a 20,000-row import at once. */
async function together(srv: Server, token: string, briefingUrl: string) {
  const tmp = tempDir('hz-bench-heavy-');
  try {
    const ledger = join(tmp, 'ledger.xlsx');
    await writeLedger(ledger, 20_000);
    log('heavy: briefing + export + import at once');
    await loopDelay(srv.url);
    const probes: number[] = [];
    let running = true;
    const cut = new AbortController();
    const exportRun = timed(`${srv.url}/api/v1/hazards/export?format=xlsx`, token, cut.signal).catch((e: unknown) => ({ ms: NaN, bytes: 0, cut: String(e) }));
    const timer = setTimeout(() => cut.abort(), 30_000);
    const work = Promise.all([timed(briefingUrl, token), upload(srv.url, token, ledger), exportRun]).finally(() => (running = false));
    while (running) {
      const t0 = performance.now();
      await fetch(`${srv.url}/healthz`).then((r) => r.arrayBuffer());
      probes.push(performance.now() - t0);
      await sleep(50);
    }
    const [briefing, importMs, exported] = await work;
    clearTimeout(timer);
    const delay = await loopDelay(srv.url);
    probes.sort((a, b) => a - b);
    return { briefingMs: briefing.ms, importMs, exportMs: exported.ms, exportBytes: exported.bytes, delay, healthzP99Ms: percentile(probes, 99), healthzMaxMs: probes.at(-1), probes: probes.length };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, n, t] = process.argv.slice(2);
  benchHeavy(dir, n ? Number(n) : undefined, t ? Number(t) : undefined).then((r) => {
    mkdirSync(join(ROOT, 'docs/measurements'), { recursive: true });
    writeFileSync(join(ROOT, HEAVY_FILE), `${JSON.stringify(r, null, 2)}\n`);
    const doc = join(ROOT, 'docs/PERFORMANCE.md');
    writeFileSync(doc, withHeavySection(readFileSync(doc, 'utf8'), heavySection(join(ROOT, HEAVY_FILE))));
    console.log(JSON.stringify(r, null, 2));
  }, (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
