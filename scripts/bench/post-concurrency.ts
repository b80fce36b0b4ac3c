/**
 * Single-hazard POSTs from many concurrent clients (issue 11: "single-hazard POSTs from 50 concurrent clients ≥
 * 2,000/s"). The real server as a child process on a fresh temp SQLite store; `clients` keep-alive connections,
 * each sending one hazard, waiting for its answer, then the next: the rate is what the server acknowledges, each
 * acknowledgement after the commit that holds the report. An admin token: admin tokens are never held to the
 * per-token ingest budget (server/http/middleware.ts IngestLimiter), so the figure is the server's, not the limit's.
 */
import { Agent, request } from 'node:http';
import { rmSync } from 'node:fs';
import type { HazardInput } from '../../shared/schemas';
import { startServer } from '../../tests/helpers/server';
import { serverProcess } from './ingest';
import { benchHazards } from './rows';
import { envMeter, int, log, ms, percentile, type PartResult } from './util';

const TARGET = 2000;

export type PostConcurrency = {
  clients: number; posted: number; rate: number; elapsedMs: number; p50: number; p99: number; max: number;
  serverCpuMs: number; serverCpuShare: number; benchCpuMs: number; rss: number;
};

/** One POST on a keep-alive agent; resolves with the status and the elapsed ms. */
function post(agent: Agent, port: number, token: string, body: string): Promise<{ status: number; text: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, path: '/api/v1/hazards', method: 'POST', agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * `warmup` reports first (not timed: JIT, statement cache), then `n` reports, `clients` at a time. `env` is handed
 * to the server (e.g. NODE_OPTIONS=--cpu-prof for a profile).
 */
export async function benchPostConcurrency(opts: { clients?: number; n?: number; warmup?: number; env?: Record<string, string> } = {}): Promise<PostConcurrency> {
  const clients = opts.clients ?? 50;
  const n = opts.n ?? 10_000;
  const warmup = opts.warmup ?? 2_000;
  const hazards: HazardInput[] = benchHazards(warmup + n, 20_241_202, 'P');
  const bodies = hazards.map((h) => JSON.stringify(h));
  const server = await startServer({ env: { LOG_LEVEL: 'warn', ...opts.env } });
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  try {
    const port = Number(new URL(server.url).port);
    const run = async (from: number, to: number, times: number[] | null) => {
      let next = from;
      const client = async () => {
        while (next < to) {
          const body = bodies[next++]!;
          const r = await post(agent, port, server.tokens.admin, body);
          if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text.slice(0, 300)}`);
          times?.push(r.ms);
        }
      };
      await Promise.all(Array.from({ length: clients }, client));
    };
    await run(0, warmup, null);
    const before = await serverProcess(server.url);
    const times: number[] = [];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run(warmup, warmup + n, times);
    const elapsedMs = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const after = await serverProcess(server.url);
    times.sort((a, b) => a - b);
    const serverCpuMs = after.cpuMs - before.cpuMs;
    return {
      clients, posted: n, rate: (n / elapsedMs) * 1000, elapsedMs, p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1)!,
      serverCpuMs, serverCpuShare: serverCpuMs / elapsedMs, benchCpuMs: (c.user + c.system) / 1000, rss: after.rss,
    };
  } finally {
    agent.destroy();
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

export async function postConcurrencyPart(): Promise<PartResult> {
  log('single-hazard POSTs, 50 concurrent clients');
  const env = envMeter();
  const r = await benchPostConcurrency();
  const perCpuS = (r.posted / r.serverCpuMs) * 1000;
  return {
    title: 'Single-hazard POSTs, concurrent clients',
    rows: [
      { name: `single-hazard POSTs, ${r.clients} concurrent keep-alive clients`, figure: `${int(r.rate)} /s`, target: `≥ ${int(TARGET)} /s`, pass: r.rate >= TARGET },
      { name: 'round trip p50 / p99 / max (acknowledged after the commit)', figure: `${ms(r.p50)} / ${ms(r.p99)} / ${ms(r.max)}`, target: '—', pass: null },
      { name: 'server CPU per report, share of one core', figure: `${((r.serverCpuMs * 1000) / r.posted).toFixed(0)} µs (${int(perCpuS)} per CPU-s), ${(100 * r.serverCpuShare).toFixed(0)} %`, target: '—', pass: null },
    ],
    method: `scripts/bench/post-concurrency.ts: the real server as a child process (tests/helpers/server.ts startServer, fresh temp SQLite, ` +
      `synchronous=FULL), admin token (never held to the per-token ingest budget). ${r.clients} clients in this process on one keep-alive ` +
      `node:http Agent (${r.clients} sockets), each POSTing one hazard of ${int(r.posted)} (+2,000 untimed warm-up) and waiting for the answer ` +
      `before the next. Server CPU from its /metrics process_cpu_seconds_total before and after; the clients used ${int(r.benchCpuMs)} ms of CPU ` +
      `on the same 2 cores. Server RSS after: ${(r.rss / 2 ** 20).toFixed(0)} MiB. ${env()}`,
    notes: [],
  };
}
