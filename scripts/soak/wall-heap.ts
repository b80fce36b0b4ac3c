/**
 * Heap soak of the wall display: the real server, the built client in Chromium, a steady feed of reports, and
 * the page's JS heap sampled after a forced GC every minute. Prints the growth as a least-squares slope in MB/hour.
 *
 *   npm run build && npx tsx scripts/soak/wall-heap.ts [--minutes 30] [--rate 10] [--warmup 3] [--rotate 30]
 *
 * Needs Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium). Exits 1 when the slope exceeds
 * --max-slope (MB/hour, default 5).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { SECTOR_CODES } from '../../shared/domain';
import { ALL_REGIONS } from '../../shared/regions';
import { loadConfig } from '../../server/config';
import { openStore } from '../../server/store';
import { writeFileSync } from 'node:fs';
import { slopePerHour } from './slope';

const ROOT = resolve(import.meta.dirname, '../..');
const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    rotate: { type: 'string', default: '0' },
    'sample-every': { type: 'string', default: '60' },
    'max-slope': { type: 'string', default: '5' },
  },
});
const MINUTES = Number(args.minutes);
const RATE = Number(args.rate);
const WARMUP_MIN = Number(args.warmup);
const SAMPLE_S = Number(args['sample-every']);
const MAX_SLOPE = Number(args['max-slope']);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tokensFor(dataDir: string): Promise<{ admin: string; display: string }> {
  const store = await openStore(loadConfig({ DATA_DIR: dataDir }));
  const admin = (await store.tokens.create({ role: 'admin', name: 'soak-admin' })).token;
  const display = (await store.tokens.create({ role: 'display', name: 'soak-wall' })).token;
  await store.close();
  return { admin, display };
}

function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/index.ts')], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) ok({ child, url: `http://127.0.0.1:${m[1]}` });
      if (out.length > 10_000) out = out.slice(-1000);
    });
    child.once('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
}

const REPORTABLE = ALL_REGIONS.filter((r) => r.level !== 'province').map((r) => r.code);
let seq = 0;
function hazard(): Record<string, unknown> {
  const i = seq++;
  const major = i % 5 === 0;
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  return {
    id: `SOAK-${process.pid}-${i}`,
    regionCode: REPORTABLE[(i * 7919) % REPORTABLE.length],
    sector: SECTOR_CODES[(i * 31) % SECTOR_CODES.length],
    level: major ? 'major' : 'general',
    title: `浸泡测试隐患 ${i}：安全出口堵塞、应急照明失效`,
    source: 'inspection',
    discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
    deadline: day((i % 40) - 10),
  };
}

async function post(url: string, token: string, path: string, body: unknown): Promise<number> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

/** ~RATE reports a second on a fixed schedule (not waiting for answers), and every tenth report moves an earlier
 * one along its lifecycle. At most 50 requests in flight: a slow server slows the feed instead of piling up. */
function feed(url: string, token: string): { stop(): void; sent(): number } {
  let sent = 0;
  let inflight = 0;
  let n = 0;
  const open: string[] = [];
  const send = async (): Promise<void> => {
    const h = hazard();
    inflight++;
    try {
      if ((await post(url, token, '/api/v1/hazards', h).catch(() => 0)) !== 200) return;
      sent++;
      if (h.level === 'general') open.push(String(h.id));
      if (++n % 10 === 0 && open.length > 50) {
        await post(url, token, `/api/v1/hazards/${open.shift()!}/transitions`, { to: 'rectified' }).catch(() => 0);
      }
    } finally {
      inflight--;
    }
  };
  const timer = setInterval(() => {
    if (inflight < 50) void send();
  }, 1000 / RATE);
  return { stop: () => clearInterval(timer), sent: () => sent };
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/client/index.html'))) throw new Error('build the client first: npm run build');
  const dataDir = mkdtempSync(join(tmpdir(), 'hz-soak-'));
  const tokens = await tokensFor(dataDir);
  const server = await startServer(dataDir);
  log(`server ${server.url}, data ${dataDir}`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--enable-precise-memory-info', '--disable-renderer-backgrounding', '--disable-background-timer-throttling'],
  });
  const feeder = feed(server.url, tokens.admin);
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const rotate = Number(args.rotate) > 0 ? `&rotate=${Number(args.rotate)}` : '';
    await page.goto(`${server.url}/?token=${tokens.display}${rotate}`);
    await page.waitForSelector('[data-testid="freshness"][data-state="live"]', { timeout: 60_000 });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');

    // Deltas keep arriving while we measure, so one reading after GC carries whatever was in flight: take the
    // smallest of a few readings, each right after a full collection.
    const sample = async () => {
      let used = Infinity;
      for (let k = 0; k < 4; k++) {
        if (k) await sleep(700);
        await cdp.send('HeapProfiler.collectGarbage');
        await cdp.send('HeapProfiler.collectGarbage');
        used = Math.min(used, ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize);
      }
      const heap = { usedSize: used };
      const metrics = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
      const m = Object.fromEntries(metrics.metrics.map((x) => [x.name, x.value]));
      const state = await page.getAttribute('[data-testid="freshness"]', 'data-state');
      const ticker = await page.$$eval('[data-testid="ticker"] [data-hazard-id]', (els) => els.length);
      return { usedMB: heap.usedSize / 1048576, nodes: m.Nodes ?? 0, listeners: m.JSEventListeners ?? 0, state, ticker };
    };

    log(`warming up ${WARMUP_MIN} min at ~${RATE} reports/s`);
    await sleep(WARMUP_MIN * 60_000);
    const t0 = Date.now();
    const points: Array<{ hours: number; mb: number }> = [];
    const total = Math.max(2, Math.round((MINUTES * 60) / SAMPLE_S) + 1);
    for (let i = 0; i < total; i++) {
      if (i > 0) await sleep(t0 + i * SAMPLE_S * 1000 - Date.now());
      const s = await sample();
      const hours = (Date.now() - t0) / 3_600_000;
      points.push({ hours, mb: s.usedMB });
      log(`t=${(hours * 60).toFixed(1)} min heap ${s.usedMB.toFixed(2)} MB, DOM nodes ${s.nodes}, listeners ${s.listeners}, ` +
        `ticker ${s.ticker}, ${s.state}, reports sent ${feeder.sent()}`);
    }
    const slope = slopePerHour(points);
    const first = points[0]!.mb;
    const last = points[points.length - 1]!.mb;
    const result = {
      date: new Date().toISOString().slice(0, 10), command: `npx tsx scripts/soak/wall-heap.ts ${process.argv.slice(2).join(' ')}`.trim(),
      minutes: MINUTES, ratePerS: RATE, warmupMin: WARMUP_MIN, reports: feeder.sent(), samples: points.length,
      heapFirstMB: +first.toFixed(2), heapLastMB: +last.toFixed(2), slopeMBPerHour: +slope.toFixed(2), pageErrors: errors.length,
    };
    console.log(JSON.stringify(result));
    // docs/PERFORMANCE.md (npm run bench) reports the newest soak from this file
    writeFileSync('docs/measurements/wall-heap.json', `${JSON.stringify(result, null, 2)}\n`);
    log(`heap slope ${slope.toFixed(2)} MB/hour (limit ${MAX_SLOPE})`);
    process.exitCode = slope > MAX_SLOPE || errors.length ? 1 : 0;
  } finally {
    feeder.stop();
    await browser.close();
    server.child.kill('SIGTERM');
    await sleep(500);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
