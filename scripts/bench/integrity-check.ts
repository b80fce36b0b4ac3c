/**
 * The integrity check alone on a store (docs/PERFORMANCE.md "Integrity check at 1,000,000 hazards"): one
 * verifyInWorker run, as the server runs it at start and every INTEGRITY_CHECK_MINUTES, timed by this process's
 * CPU (utime + stime: the worker thread is in it) and its peak RSS.
 *   npx tsx scripts/bench/integrity-check.ts --store /tmp/<copy> [--runs N] [--threads 1|2] [--inline [--no-days]]
 * `--threads 2`: the history and the briefing's per-day counts in two workers at once, as the server's first check.
 * `--inline` runs the check on this thread, phase by phase (for `node --cpu-prof`), instead of in a worker.
 * Never point it at a store a server is writing to for a bench: the figures would include that server's writes.
 */
import { resourceUsage } from 'node:process';
import { verifyInWorker } from '../../server/audit/integrity';
import { openAuditSource } from '../../server/audit/open-source';
import { verify } from '../../server/audit/verify';
import { checkBriefingDays } from '../../server/audit/briefing-days-check';
import { DEFAULT_TZ } from '../../shared/time';
import { load } from './util';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const store = arg('store');
const url = arg('url');
if (!store && !url) throw new Error('--store DIR (a copy of a SQLite bench store) or --url postgres://…');
const runs = Number(arg('runs') ?? 1);
const threads = arg('threads') === '2' ? 2 : 1;
const setup = { DATA_DIR: store ?? '/nonexistent', DATABASE_URL: url, tz: DEFAULT_TZ };

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

for (let i = 0; i < runs; i++) {
  const c0 = cpuMs();
  const t0 = performance.now();
  const l0 = load();
  if (process.argv.includes('--inline')) {
    const opened = await openAuditSource(setup);
    if (typeof opened === 'string') throw new Error(opened);
    const r = await verify(opened.source, setup.tz);
    const t1 = performance.now();
    const c1 = cpuMs();
    const today = await opened.source.meta('day');
    const days = today && opened.source.query && !process.argv.includes('--no-days') ? await checkBriefingDays(opened.source.query, setup.tz, today) : null;
    await opened.close();
    console.log(JSON.stringify({ ok: r.ok, changes: r.changes, hazards: r.hazards, problems: r.problems.slice(0, 3), days,
      verifyCpuMs: Math.round(c1 - c0), verifyWallMs: Math.round(t1 - t0), daysCpuMs: Math.round(cpuMs() - c1) }));
  } else {
    const v = await verifyInWorker(setup, undefined, threads);
    console.log(JSON.stringify({ ...v, threadId: undefined }));
  }
  console.log(JSON.stringify({
    run: i + 1, cpuMs: Math.round(cpuMs() - c0), wallMs: Math.round(performance.now() - t0),
    peakRssMiB: Math.round(resourceUsage().maxRSS / 1024), load: `${l0} → ${load()}`,
  }));
}
