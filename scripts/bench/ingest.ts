/**
 * Ingest through the service alone (validation, hashing, one transaction per batch, live aggregates)
 * and through HTTP batches against the real server as a child process.
 */
import { rmSync } from 'node:fs';
import { ChangeFeed } from '../../server/aggregates/change-feed';
import { LiveSummaries } from '../../server/aggregates/live-summaries';
import { loadConfig } from '../../server/config';
import { HazardService } from '../../server/hazards/hazards.service';
import { openStore } from '../../server/store';
import type { HazardInput } from '../../shared/schemas';
import { startServer, tempDir } from '../../tests/helpers/server';
import { BENCH_AUTH, batches } from './rows';

/** `cpuMs`: CPU time of the process doing the ingest (this one, or the server), which other load does not inflate. */
export type IngestResult = { rate: number; elapsedMs: number; accepted: number; cpuMs: number; rss?: number };
/** CPU µs per hazard of the service's pure steps, measured on a sample of the rows before the ingest. */
export type ServiceSteps = { validateUs: number; normaliseUs: number };

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

function measureSteps(service: HazardService, hazards: HazardInput[]): ServiceSteps {
  const sample = hazards.slice(0, 10_000);
  let c0 = cpuUs();
  for (const h of sample) service.validate(h, BENCH_AUTH);
  const validateUs = (cpuUs() - c0) / sample.length;
  c0 = cpuUs();
  for (const h of sample) service.normalise(h);
  return { validateUs, normaliseUs: (cpuUs() - c0) / sample.length };
}

export async function benchService(hazards: HazardInput[], batchSize: number): Promise<IngestResult & { steps: ServiceSteps }> {
  const dir = tempDir('hz-bench-svc-');
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' });
  const store = await openStore(config);
  try {
    const live = new LiveSummaries();
    // the feed is not started: one process, every change its own (as in createApp on SQLite)
    const service = new HazardService(store.repo, live, new ChangeFeed(store.repo, live), config.TZ_REGION);
    // as createApp does at start-up, so the aggregates are live while ingesting
    live.rebuild(await store.repo.rebuildState());
    await service.checkDay();
    const steps = measureSteps(service, hazards);
    let accepted = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const b of batches(hazards, batchSize)) {
      const r = await service.ingest(b, BENCH_AUTH);
      accepted += r.accepted;
      if (r.rejected.length) throw new Error(`service rejected rows: ${JSON.stringify(r.rejected[0])}`);
    }
    const elapsedMs = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return { rate: (accepted / elapsedMs) * 1000, elapsedMs, accepted, cpuMs: (c.user + c.system) / 1000, steps };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Resident memory and CPU time of a server, as its own /metrics reports them (loopback needs no token). */
export async function serverProcess(url: string): Promise<{ rss: number; cpuMs: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const metric = (name: string) => Number(new RegExp(`^${name} ([\\d.e+]+)`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: metric('process_resident_memory_bytes'), cpuMs: metric('process_cpu_seconds_total') * 1000 };
}

/**
 * POST with one retry on a dropped connection (under heavy load a keep-alive socket can be closed by the
 * server just as a request is sent on it). Reports are idempotent by id, so a retry is safe: what was
 * committed the first time comes back as a duplicate.
 */
export async function postJson(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; json: any }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, { method: 'POST', headers, body });
      return { status: res.status, json: await res.json() };
    } catch (e) {
      if (attempt >= 2 || !(e instanceof TypeError)) throw e;
    }
  }
}

/** `env` is handed to the server (e.g. NODE_OPTIONS=--import a profiler). */
export async function benchHttp(hazards: HazardInput[], batchSize: number, concurrency: number, env?: Record<string, string>): Promise<IngestResult> {
  const server = await startServer(env ? { env } : {});
  try {
    // bodies are serialised before the clock starts: the figure is the server's, not the client's
    const bodies = batches(hazards, batchSize).map((b) => JSON.stringify({ hazards: b }));
    const headers = { authorization: `Bearer ${server.tokens.admin}`, 'content-type': 'application/json' };
    let next = 0;
    let accepted = 0;
    const before = await serverProcess(server.url);
    const worker = async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const { status, json } = await postJson(`${server.url}/api/v1/hazards`, headers, body);
        if (status !== 200 || json.rejected?.length) throw new Error(`HTTP ${status}: ${JSON.stringify(json).slice(0, 300)}`);
        accepted += json.accepted + json.duplicates;
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsedMs = performance.now() - t0;
    const after = await serverProcess(server.url);
    return { rate: (accepted / elapsedMs) * 1000, elapsedMs, accepted, cpuMs: after.cpuMs - before.cpuMs, rss: after.rss };
  } finally {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}
