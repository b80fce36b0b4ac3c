/**
 * Start-up with a large store: a real store (hash chain, projection, a `day` change) is generated once
 * under /tmp and reused; then the real server is started as a child process on it, and the time from
 * spawn to the first 200 of /healthz is measured, with the server's own "aggregates rebuilt" time.
 */
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { actorOf } from '../../server/auth/auth';
import { openSqlite } from '../../server/db/sqlite';
import { SqliteDriver } from '../../server/db/sqlite.driver';
import { ChainStore } from '../../server/hazards/chain.store';
import { normalise } from '../../server/hazards/normalise';
import { transition } from '../../server/hazards/workflow';
import type { Status } from '../../shared/domain';
import { DEFAULT_TZ, dayOf } from '../../shared/time';
import { tempDir } from '../../tests/helpers/server';
import { BENCH_AUTH, benchHazards } from './rows';
import { cpuMsOf, log, rssOf, sleep } from './util';

const ROOT = resolve(import.meta.dirname, '../..');
const MARKER = 'bench-store.json';

export type StoreInfo = { hazards: number; transitions: number; headSeq: number; bytes: number; generatedMs: number | null };
export type StartRun = { listeningMs: number; listeningCpuMs: number; healthyMs: number; rebuildMs: number; integrityMs: number; cpuMs: number; rss: number; peak: number };

/** The start-up integrity check (server/audit/integrity.ts) walks the whole chain before listening: minutes on a big store under load. */
const LISTEN_TIMEOUT_MS = 900_000;

/** The workflow steps given to hazard k: most are being rectified, some rectified, some closed. */
function stepsFor(k: number): Status[] {
  const m = k % 10;
  if (m < 4) return ['rectifying'];
  if (m < 6) return ['rectifying', 'rectified'];
  if (m < 8) return ['rectifying', 'rectified', 'closed'];
  return m === 8 ? ['rejected'] : [];
}

const idOf = (k: number) => `S-${k.toString().padStart(8, '0')}`;

async function generate(dir: string, hazards: number, transitions: number): Promise<StoreInfo> {
  rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  const db = openSqlite(join(dir, 'hazards.sqlite'));
  // generation only: a crash here just means generating again, so no fsync, and a cache that holds
  // the indexes (random discovered_at positions would otherwise read pages back on every insert)
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -2000000');
  // the secondary indexes are dropped while generating and built again (by their own stored SQL) at
  // the end: one sort per index instead of a random B-tree insert per row
  // (changes_hazard stays: each mutation reads its hazard's history to keep the briefing's per-day counts)
  const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('hazards', 'changes')
    AND name <> 'changes_hazard'`).all() as Array<{ name: string; sql: string }>;
  for (const ix of indexes) db.exec(`DROP INDEX ${ix.name}`);
  const repo = await ChainStore.open(new SqliteDriver(db), DEFAULT_TZ);
  const actor = actorOf(BENCH_AUTH);
  const CHUNK = 10_000;
  for (let i = 0; i < hazards; i += CHUNK) {
    const inputs = benchHazards(Math.min(CHUNK, hazards - i), 1000 + i, 'S').map((h, j) => ({ ...h, id: idOf(i + j) }));
    await repo.ingest(inputs.map((h) => normalise(h, DEFAULT_TZ)), actor, new Date().toISOString());
    if ((i / CHUNK) % 20 === 19) log(`  start-up store: ${i + CHUNK} hazards`);
  }
  let done = 0;
  for (let k = 0; done < transitions && k < hazards; k++) {
    // many mutations per outer transaction: each repo.mutate becomes a savepoint inside it (sqlite.driver.ts)
    if (k % CHUNK === 0) db.exec('BEGIN IMMEDIATE');
    for (const to of stepsFor(k)) {
      if (done >= transitions) break;
      const recordedAt = new Date().toISOString();
      const r = await repo.mutate(idOf(k), actor, recordedAt, (h) => transition({ to }, Date.now())(h, recordedAt));
      if (!r.ok) throw new Error(`generating transitions: ${r.message}`);
      done++;
    }
    if (k % CHUNK === CHUNK - 1 || done >= transitions) db.exec('COMMIT');
    if (k % 50_000 === 49_999) log(`  start-up store: ${done} transitions`);
  }
  if (db.inTransaction) db.exec('COMMIT');
  log(`  start-up store: building ${indexes.length} indexes`);
  for (const ix of indexes) db.exec(ix.sql);
  await repo.turnDay(dayOf(Date.now(), DEFAULT_TZ), new Date().toISOString());
  const headSeq = (await repo.chainHead()).seq;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const info = { hazards, transitions: done, headSeq, bytes: 0, generatedMs: performance.now() - t0 };
  writeFileSync(join(dir, MARKER), JSON.stringify(info));
  return info;
}

/** The store of `hazards` hazards in `dir`: reused when a complete one of that size is there. */
export async function ensureStore(dir: string, hazards: number, transitions: number): Promise<StoreInfo> {
  let info: StoreInfo | null = null;
  try {
    const old = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as StoreInfo;
    if (old.hazards === hazards && old.transitions === transitions && existsSync(join(dir, 'hazards.sqlite'))) info = { ...old, generatedMs: null };
  } catch {
    // no complete store yet
  }
  if (!info) {
    log(`generating a store of ${hazards} hazards and ${transitions} transitions in ${dir}`);
    info = await generate(dir, hazards, transitions);
  }
  return { ...info, bytes: statSync(join(dir, 'hazards.sqlite')).size };
}

/** How a server is started: `compiled` as `npm start` does (the esbuild bundle), `tsx` from the TypeScript sources. */
export type StartMode = 'compiled' | 'tsx';
const START_ARGS: Record<StartMode, string[]> = {
  compiled: ['--enable-source-maps', join(ROOT, 'dist/server/index.js')],
  tsx: ['--import', 'tsx', join(ROOT, 'server/index.ts')],
};

/** Builds dist/server (scripts/build-server.mjs), as `npm run build` does, before compiled runs. */
export function buildServer(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-server.mjs')], { cwd: ROOT, stdio: 'ignore' });
}

/**
 * The port a spawned server announces (its `LISTENING <port>` line), with everything it printed so far and later
 * (`output`); fails when it exits first or says nothing within `timeoutMs`.
 */
export function listeningPort(child: ChildProcessByStdio<null, Readable, Readable>, timeoutMs: number): Promise<{ port: number; output: () => string }> {
  let out = '';
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no LISTENING in ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ port: Number(m[1]), output: () => out });
      }
    });
    child.once('exit', (code) => fail(new Error(`server exited with ${code}:\n${out}`)));
  });
}

/** Spawns the production entry on `dataDir` and times it to the first healthy answer. */
export async function timeStart(dataDir: string, mode: StartMode = 'compiled'): Promise<StartRun> {
  const t0 = performance.now();
  const child = spawn(process.execPath, START_ARGS[mode], {
    cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    const { port, output } = await listeningPort(child, LISTEN_TIMEOUT_MS);
    const listeningMs = performance.now() - t0;
    const listeningCpuMs = cpuMsOf(child.pid!);
    for (;;) {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      if (res?.status === 200) break;
      await sleep(10);
    }
    const healthyMs = performance.now() - t0;
    const cpuMs = cpuMsOf(child.pid!);
    const rebuilt = /"ms":(\d+)[^\n]*"msg":"aggregates rebuilt"/.exec(output());
    const verified = /"ms":(\d+)[^\n]*"msg":"integrity verified"/.exec(output());
    return { listeningMs, listeningCpuMs, healthyMs, rebuildMs: rebuilt ? Number(rebuilt[1]) : NaN, integrityMs: verified ? Number(verified[1]) : NaN, cpuMs, ...rssOf(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** The fixed cost of starting Node, tsx and the server on an empty store, for comparison. */
export async function timeEmptyStart(mode: StartMode = 'compiled'): Promise<StartRun> {
  const dir = tempDir('hz-bench-empty-');
  try {
    return await timeStart(dir, mode);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU time of loading the server's heaviest modules, measured in a fresh process (modules.ts). */
export function moduleCosts(): Array<[string, number]> {
  const bare = JSON.parse(execFileSync(process.execPath, ['-e', 'const u = process.cpuUsage(); console.log(JSON.stringify((u.user + u.system) / 1000))'], { encoding: 'utf8' })) as number;
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/bench/modules.ts')], { cwd: ROOT, encoding: 'utf8' });
  return [['node alone, without tsx', bare], ...(JSON.parse(out.trim().split('\n').at(-1)!) as Array<[string, number]>)];
}
