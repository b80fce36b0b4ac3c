/**
 * The spreadsheet import end to end: a 20,000-row .xlsx (generated here, Chinese values and mixed date
 * forms as offices send them) uploaded to POST /api/v1/hazards/import of the real server as a child
 * process. Measures the rows per second of the whole request, the server's CPU time for it and its
 * resident memory while it runs (sampled from its /metrics every 200 ms), then the same file again (all
 * duplicates). Peers in the same run: the same rows as JSON through POST /api/v1/hazards in batches of
 * 500 (one at a time, as the import's chunks go) on a fresh server, which is the plain ingest the import
 * can at best approach; and the file's reading alone in this process (unzip, XML, cells and rows), by
 * the import's reader and by exceljs's streaming reader it replaced (tests/helpers/exceljs-reader.ts).
 * The heap a server reports grows with garbage not yet collected; what the import really keeps is
 * measured apart, in this process, by importing the file through the service with a collection before
 * each sample. Both servers run the compiled build (`npm start`'s dist/server, built first), as in production: under
 * tsx the reader thread would first compile its TypeScript. Run alone: `npx tsx scripts/bench/import.ts [rows]`.
 */
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import ExcelJS from 'exceljs';
import { io, type Socket } from 'socket.io-client';
import { SECTORS, SOURCES } from '../../shared/domain';
import { COLUMNS } from '../../shared/import';
import { ALL_REGIONS } from '../../shared/regions';
import { ChangeFeed } from '../../server/aggregates/change-feed';
import { LiveSummaries } from '../../server/aggregates/live-summaries';
import { loadConfig } from '../../server/config';
import { HazardService } from '../../server/hazards/hazards.service';
import { importFile } from '../../server/import/import.service';
import { readXlsx, type Sheet } from '../../server/import/read-xlsx';
import { mapRow, matchHeader, type HeaderMap } from '../../server/import/rows';
import { openStore } from '../../server/store';
import { readXlsxExceljs } from '../../tests/helpers/exceljs-reader';
import { startServer, tempDir } from '../../tests/helpers/server';
import { buildServer } from './startup';

/** The compiled server (scripts/build-server.mjs), as `npm start` runs it. */
const COMPILED = { HZ_ENTRY: 'dist/server/index.js' };

export type ImportBench = {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
  /** before the upload */
  baselineRssMb: number;
  /** V8 heap in use (RSS also holds SQLite's page cache, up to 64 MB by configuration) */
  peakHeapMb: number;
  baselineHeapMb: number;
  fileMb: number;
  /** CPU time the server spent on the import (includes the /metrics samples): what other load does not inflate */
  serverCpuSeconds: number;
  /** of it, the server's main thread (the event loop; /proc task stat): what bounds the wall clock on an idle machine */
  serverMainThreadCpuSeconds: number;
  /** the server's event-loop delay during the import: largest p99 and max of its /metrics samples (reset at each scrape) */
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  /** the same file again: every row a duplicate */
  duplicateSeconds: number;
  /** live heap (after a full collection) above the start, at its largest during an in-process import */
  retainedHeapMb: number;
  /** peer: the same rows as JSON, POST /api/v1/hazards in batches of 500 one at a time, fresh server (/metrics sampled alike) */
  jsonSeconds: number;
  jsonServerCpuSeconds: number;
  /** the file read into mapped rows in this process (CPU seconds, best of 3): the import's reader, exceljs's */
  parseCpuSeconds: number;
  exceljsParseCpuSeconds: number;
  /**
   * The same file on a fresh server beside WALL_SOCKETS display sockets of the province (socket.io-client, in this
   * process), first asking for `hazard:reported:batch` as the app's client does, then (peer) without: the import's
   * wall clock, the event-loop delay max during it, and the new-major messages each socket got.
   */
  besideWalls: { batched: BesideWalls; perItem: BesideWalls };
  /** 1-minute load average when the part began and when it ended (2 cores, shared) */
  loadStart: number;
  loadEnd: number;
};

/** `serverCpuSeconds`: what the server spent (all threads); the sockets' own work shares the two cores, the wall clock pays for it */
export type BesideWalls = { sockets: number; seconds: number; serverCpuSeconds: number; eventLoopMaxMs: number; majorsPerSocket: number; messagesPerSocket: number };

export const WALL_SOCKETS = 200;

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Reads the file's first sheet into mapped rows, as the import does before anything is stored. */
async function mapFile(sheets: AsyncIterable<Sheet>, tz: string): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for await (const sheet of sheets) {
    let header: HeaderMap | null = null;
    for await (const r of sheet.rows) {
      if (!header) {
        header = matchHeader(r.cells, r.row);
        continue;
      }
      const m = mapRow(r.cells, header, tz);
      if (m.kind === 'ok') out.push(m.raw);
    }
    break;
  }
  return out;
}

/** CPU seconds of the fastest of `n` readings (the first also warms the JIT, as a server's first import does not). */
async function parseCpu(read: () => Promise<unknown>, n = 3): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const c0 = cpuSeconds();
    await read();
    best = Math.min(best, cpuSeconds() - c0);
  }
  return best;
}

/** The same rows as JSON bodies of 500, posted one at a time to a fresh server (bodies built before the clock). */
async function jsonIngest(raws: ReadonlyArray<Record<string, unknown>>): Promise<{ seconds: number; cpu: number }> {
  const server = await startServer({ env: COMPILED });
  try {
    const bodies: string[] = [];
    for (let i = 0; i < raws.length; i += 500) bodies.push(JSON.stringify({ hazards: raws.slice(i, i + 500) }));
    const headers = { authorization: `Bearer ${server.tokens.admin}`, 'content-type': 'application/json' };
    const cpu0 = (await memory(server.url)).cpu;
    // /metrics read every 200 ms as during the import, so that both CPU figures carry the same sampling
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await memory(server.url);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const t0 = performance.now();
    let accepted = 0;
    for (const body of bodies) {
      const res = await fetch(`${server.url}/api/v1/hazards`, { method: 'POST', headers, body });
      const r = (await res.json()) as { accepted: number };
      if (res.status !== 200) throw new Error(`JSON ingest answered ${res.status}: ${JSON.stringify(r)}`);
      accepted += r.accepted;
    }
    const seconds = (performance.now() - t0) / 1000;
    sampling = false;
    await sampler;
    const cpu = (await memory(server.url)).cpu - cpu0;
    if (accepted !== raws.length) throw new Error(`JSON ingest: expected ${raws.length} accepted, got ${accepted}`);
    return { seconds, cpu };
  } finally {
    await server.stop();
  }
}

/** Imports `file` through the service in this process, collecting garbage every 200 ms: the most the import keeps. */
async function retainedHeap(file: string, dir: string): Promise<number> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const config = loadConfig({ DATA_DIR: join(dir, 'db'), LOG_LEVEL: 'silent' });
  const store = await openStore(config);
  try {
    const live = new LiveSummaries();
    // the feed is not started: one process, every change its own (as in createApp on SQLite)
    const service = new HazardService(store.repo, live, new ChangeFeed(store.repo, live), config.TZ_REGION);
    live.rebuild(await store.repo.rebuildState());
    await service.checkDay();
    gc();
    const base = process.memoryUsage().heapUsed;
    let max = base;
    const timer = setInterval(() => {
      gc();
      max = Math.max(max, process.memoryUsage().heapUsed);
    }, 200);
    await importFile(file, 'xlsx', { tokenId: 'bench', name: 'bench', role: 'admin', region: '140000' }, { service, tz: config.TZ_REGION });
    clearInterval(timer);
    return (max - base) / 1024 / 1024;
  } finally {
    await store.close();
  }
}

const REGIONS = ALL_REGIONS.filter((r) => r.level !== 'province');

export async function writeLedger(file: string, rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('隐患台账');
  ws.addRow(COLUMNS.map((c) => c.header)).commit();
  for (let i = 0; i < rows; i++) {
    const region = REGIONS[i % REGIONS.length]!;
    const major = i % 7 === 0;
    const day = 1 + (i % 28);
    const discovered = i % 2 ? new Date(Date.UTC(2024, 10, day, 8 + (i % 10), i % 60)) : `2024年11月${day}日`;
    const row = ws.addRow([
      `BENCH-${i}`, i % 3 ? region.fullName : region.code, SECTORS[i % SECTORS.length]!.zh, major ? '重大隐患' : '一般隐患',
      `基准测试隐患 ${i}：主要通风机无备用电源`, i % 5 ? '' : '风机房仅一回路供电，未设置备用电源，存在停风风险', `基准测试企业${i % 500}有限公司`, '',
      SOURCES[i % SOURCES.length]!.zh, discovered, major || i % 3 === 0 ? new Date(Date.UTC(2025, 0, 1 + (i % 300))) : '', '',
    ]);
    if (discovered instanceof Date) row.getCell(10).numFmt = 'yyyy-mm-dd hh:mm';
    row.commit();
  }
  ws.commit();
  await wb.commit();
}

/** The server's resident set and V8 heap in use, from its /metrics (loopback needs no token). */
async function memory(url: string): Promise<{ rss: number; heap: number; cpu: number; lagP99: number; lagMax: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} ([\\d.e+]+)`, 'm').exec(text)?.[1] ?? NaN);
  const mb = (name: string) => value(name) / 1024 / 1024;
  return {
    rss: mb('process_resident_memory_bytes'), heap: mb('nodejs_heap_size_used_bytes'), cpu: value('process_cpu_seconds_total'),
    lagP99: value('nodejs_eventloop_lag_p99_seconds') * 1000, lagMax: value('nodejs_eventloop_lag_max_seconds') * 1000,
  };
}

/** CPU seconds of a process's main thread (Linux: its task whose id is the pid), NaN elsewhere. */
function mainThreadCpu(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

async function upload(url: string, token: string, bytes: Buffer, name: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/hazards/import`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const body = (await res.json()) as { accepted: number; duplicates: number; rejected: unknown[] };
  if (res.status !== 200) throw new Error(`import answered ${res.status}: ${JSON.stringify(body)}`);
  return { seconds: (performance.now() - t0) / 1000, body };
}

/** One import of `bytes` on a fresh compiled server beside `sockets` province display sockets (ImportBench.besideWalls). */
async function importBesideWalls(bytes: Buffer, rows: number, sockets: number, batched: boolean): Promise<BesideWalls> {
  const server = await startServer({ env: COMPILED });
  const walls: Array<{ socket: Socket; majors: number; messages: number }> = [];
  try {
    for (let i = 0; i < sockets; i++) {
      const auth = batched ? { token: server.tokens.display, batch: ['hazard:reported'] } : { token: server.tokens.display };
      const socket = io(server.url, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
      const wall = { socket, majors: 0, messages: 0 };
      socket.on('hazard:reported', () => { wall.majors++; wall.messages++; });
      socket.on('hazard:reported:batch', (b) => { wall.majors += b.hazards.length; wall.messages++; });
      walls.push(wall);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
    }
    let lagMax = 0;
    let sampling = true;
    const cpuBefore = (await memory(server.url)).cpu;
    const sampler = (async () => {
      while (sampling) {
        lagMax = Math.max(lagMax, (await memory(server.url)).lagMax);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const first = await upload(server.url, server.tokens.admin, bytes, 'ledger.xlsx');
    sampling = false;
    await sampler;
    const after = await memory(server.url);
    lagMax = Math.max(lagMax, after.lagMax);
    if (first.body.accepted !== rows) throw new Error(`beside walls: expected ${rows} accepted, got ${first.body.accepted}`);
    // what was sent before the answer may still be on its way
    const expected = Math.max(...walls.map((w) => w.majors));
    const t0 = Date.now();
    while (walls.some((w) => w.majors < expected) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
    const least = walls.reduce((a, w) => (w.majors < a.majors ? w : a), walls[0]!);
    const r2 = (n: number) => Math.round(n * 100) / 100;
    return { sockets, seconds: r2(first.seconds), serverCpuSeconds: r2(after.cpu - cpuBefore), eventLoopMaxMs: Math.round(lagMax), majorsPerSocket: least.majors, messagesPerSocket: Math.max(...walls.map((w) => w.messages)) };
  } finally {
    for (const w of walls) w.socket.close();
    await server.stop();
  }
}

export async function benchImport(rows = 20_000): Promise<ImportBench> {
  const loadStart = loadavg()[0]!;
  const dir = tempDir('hz-bench-import-');
  const file = join(dir, 'ledger.xlsx');
  await writeLedger(file, rows);
  const bytes = readFileSync(file);
  const tz = loadConfig({ DATA_DIR: dir }).TZ_REGION;
  const raws = await mapFile(readXlsx(file), tz);
  if (raws.length !== rows) throw new Error(`the ledger maps to ${raws.length} rows, not ${rows}`);
  const parseCpuSeconds = await parseCpu(() => mapFile(readXlsx(file), tz));
  const exceljsParseCpuSeconds = await parseCpu(() => mapFile(readXlsxExceljs(file), tz));
  buildServer();
  const server = await startServer({ env: COMPILED });
  try {
    const baseline = await memory(server.url);
    const mainBefore = mainThreadCpu(server.pid());
    const peak = { ...baseline, lagP99: 0, lagMax: 0 };
    const sample = async () => {
      const m = await memory(server.url);
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heap = Math.max(peak.heap, m.heap);
      peak.lagP99 = Math.max(peak.lagP99, m.lagP99);
      peak.lagMax = Math.max(peak.lagMax, m.lagMax);
    };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await sample();
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const first = await upload(server.url, server.tokens.admin, bytes, 'ledger.xlsx');
    sampling = false;
    await sampler;
    await sample();
    const cpuSeconds = (await memory(server.url)).cpu - baseline.cpu;
    const mainSeconds = mainThreadCpu(server.pid()) - mainBefore;
    if (first.body.accepted !== rows || first.body.rejected.length) {
      throw new Error(`expected ${rows} accepted, got ${first.body.accepted} and ${first.body.rejected.length} rejected: ${JSON.stringify(first.body.rejected[0])}`);
    }
    const again = await upload(server.url, server.tokens.admin, bytes, 'ledger.xlsx');
    if (again.body.duplicates !== rows) throw new Error(`re-import: expected ${rows} duplicates, got ${again.body.duplicates}`);
    await server.stop();
    const besideWalls = {
      batched: await importBesideWalls(bytes, rows, WALL_SOCKETS, true),
      perItem: await importBesideWalls(bytes, rows, WALL_SOCKETS, false),
    };
    const json = await jsonIngest(raws);
    const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
    return {
      rows,
      seconds: round(first.seconds, 2),
      rowsPerSecond: Math.round(rows / first.seconds),
      peakRssMb: round(peak.rss),
      baselineRssMb: round(baseline.rss),
      peakHeapMb: round(peak.heap),
      baselineHeapMb: round(baseline.heap),
      fileMb: round(bytes.length / 1024 / 1024, 2),
      serverCpuSeconds: round(cpuSeconds, 2),
      serverMainThreadCpuSeconds: round(mainSeconds, 2),
      eventLoopP99Ms: Math.round(peak.lagP99),
      eventLoopMaxMs: Math.round(peak.lagMax),
      duplicateSeconds: round(again.seconds, 2),
      retainedHeapMb: round(await retainedHeap(file, dir)),
      jsonSeconds: round(json.seconds, 2),
      jsonServerCpuSeconds: round(json.cpu, 2),
      parseCpuSeconds: round(parseCpuSeconds, 2),
      exceljsParseCpuSeconds: round(exceljsParseCpuSeconds, 2),
      besideWalls,
      loadStart: round(loadStart, 2),
      loadEnd: round(loadavg()[0]!, 2),
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchImport(Number(process.argv[2] ?? 20_000)).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
