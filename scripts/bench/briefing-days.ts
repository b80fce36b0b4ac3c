/**
 * Briefings from per-day counts against the scan (docs/PERFORMANCE.md "Briefings from daily aggregates").
 *   npx tsx scripts/bench/briefing-days.ts ingest HAZARDS TRANSITIONS   — CPU per ingested hazard and per change
 *   npx tsx scripts/bench/briefing-days.ts briefing HAZARDS TRANSITIONS — province/city-year briefing, days vs scan
 *   (STORE=DIR reuses a store an earlier run kept with KEEP=1; its rebuild and mark times are then not measured)
 * `ingest` uses only ChainStore.open, ingest and mutate, so the same file run on an older checkout measures the
 * write path without the counts (the "before"). The store: bench hazards (scripts/bench/rows.ts) spread over the
 * last two years, a share of them moved along the workflow at later moments, all through the chain store.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { actorOf } from '../../server/auth/auth';
import { openSqlite } from '../../server/db/sqlite';
import { SqliteDriver } from '../../server/db/sqlite.driver';
import { ChainStore } from '../../server/hazards/chain.store';
import { normalise } from '../../server/hazards/normalise';
import type { Mutation, NewHazard } from '../../server/hazards/hazards.repository';
import { briefingFrom } from '../../server/workers/read-ops';
import type { Status } from '../../shared/domain';
import { addDays, DEFAULT_TZ, dayOf } from '../../shared/time';
import { tempDir } from '../../tests/helpers/server';
import { BENCH_AUTH, benchHazards } from './rows';

const DAY = 86_400_000;
const NOW = Date.now();
const TODAY = dayOf(NOW, DEFAULT_TZ);
const BATCH = 500;

function spread(n: number, seed: number): NewHazard[] {
  return benchHazards(n, seed, 'S').map((h, i) => {
    // discovered over the last 730 days, in order (as live intake sees them); deadlines relative to it
    const at = NOW - 730 * DAY + Math.floor(((i + 0.5) / n) * 729 * DAY);
    const deadline = h.deadline ? dayOf(at + ((i * 7919) % 60) * DAY, DEFAULT_TZ) : undefined;
    return normalise({ ...h, id: `S-${String(i + seed).padStart(9, '0')}`, discoveredAt: new Date(at).toISOString(), ...(deadline ? { deadline } : {}) }, DEFAULT_TZ);
  });
}

/** Most are being rectified, some rectified, some closed, some rejected: at increasing moments after discovery. */
function stepsFor(k: number): Status[] {
  const m = k % 10;
  if (m < 4) return ['rectifying'];
  if (m < 6) return ['rectifying', 'rectified'];
  if (m < 8) return ['rectifying', 'rectified', 'closed'];
  return m === 8 ? ['rejected'] : [];
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function build(dir: string, hazards: number, transitions: number, fast: boolean) {
  const db = openSqlite(join(dir, 'hazards.sqlite'));
  if (fast) db.pragma('synchronous = OFF');
  const repo = await ChainStore.open(new SqliteDriver(db), DEFAULT_TZ);
  const actor = actorOf(BENCH_AUTH);
  const all = spread(hazards, 0);
  const recordedAt = new Date(NOW).toISOString();
  let ingestCpu = 0;
  for (let i = 0; i < all.length; i += BATCH) {
    const c0 = cpu();
    await repo.ingest(all.slice(i, i + BATCH), actor, recordedAt);
    ingestCpu += cpu() - c0;
  }
  if (process.env.PROGRESS) console.error(`ingested ${all.length}: ${ingestCpu.toFixed(0)} ms CPU`);
  let mutateCpu = 0;
  let done = 0;
  for (let k = 0; k < all.length && done < transitions; k++) {
    const h = all[k]!;
    let at = Date.parse(h.input.discoveredAt);
    for (const to of stepsFor(k)) {
      if (done >= transitions) break;
      at = Math.min(NOW - 1000, at + (1 + (k % 9)) * DAY);
      const when = new Date(at).toISOString();
      const c0 = cpu();
      const r = await repo.mutate(h.input.id, actor, recordedAt, (cur): Mutation =>
        ({ ok: true, kind: 'transition', at: when, data: { to }, next: { status: to, closedAt: to === 'closed' ? when : cur.closedAt } }));
      mutateCpu += cpu() - c0;
      if (!r.ok) throw new Error(r.message);
      done++;
    }
  }
  if (process.env.PROGRESS) console.error(`mutated ${done}: ${mutateCpu.toFixed(0)} ms CPU`);
  return { db, repo, ingestCpu, mutateCpu, done };
}

async function main(): Promise<void> {
  const [mode, hs = '20000', ts = '5000'] = process.argv.slice(2);
  const hazards = Number(hs);
  const transitions = Number(ts);
  const dir = tempDir('hz-bench-days-');
  const env = `load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}, ${new Date().toISOString()}`;
  try {
    if (mode === 'ingest') {
      const { repo, ingestCpu, mutateCpu, done } = await build(dir, hazards, transitions, false);
      console.log(JSON.stringify({
        mode, hazards, transitions: done, env,
        ingestCpuUsPerHazard: (ingestCpu * 1000) / hazards, mutateCpuUsPerChange: (mutateCpu * 1000) / Math.max(1, done),
      }));
      await repo.close();
      return;
    }
    const kept = process.env.STORE;
    const { repo } = kept
      ? { repo: await ChainStore.open(new SqliteDriver(openSqlite(join(kept, 'hazards.sqlite'))), DEFAULT_TZ) }
      : await build(dir, hazards, transitions, true);
    // a live store has turned its day: that marks the days before it (briefing_day_marks, briefing_found_marks)
    const m0 = performance.now();
    if (!kept) await repo.turnDay(TODAY, new Date(NOW).toISOString());
    const markMs = performance.now() - m0;
    const r0 = performance.now();
    if (!kept && process.env.REBUILD !== '0') await repo.rebuildBriefingDays(true);
    const rebuildMs = performance.now() - r0;
    const out: Record<string, unknown> = { mode, hazards, transitions, env, markMs, rebuildMs };
    console.error(JSON.stringify(out));
    const scan: Parameters<typeof briefingFrom>[0] = {
      periodFacts: (region, from, to, tz) => repo.scanPeriodFacts(region, from, to, tz), daily: (...a) => repo.scanDaily(...a),
      list: (...a) => repo.list(...a), iterate: (...a) => repo.iterate(...a), actorsOf: (...a) => repo.actorsOf(...a),
    };
    // the current year, week and month, a city's year, and a past month (last year's same month, closed)
    const y = Number(TODAY.slice(0, 4)) - 1;
    const m = TODAY.slice(5, 7);
    const pastFrom = `${y}-${m}-01`;
    const pastTo = addDays(`${m === '12' ? y + 1 : y}-${m === '12' ? '01' : String(Number(m) + 1).padStart(2, '0')}-01`, -1);
    const periods = [
      ['province', '140000', addDays(TODAY, -364), TODAY], ['provinceWeek', '140000', addDays(TODAY, -6), TODAY],
      ['provinceMonth', '140000', addDays(TODAY, -29), TODAY], ['city', '141100', addDays(TODAY, -364), TODAY],
      ['provincePastMonth', '140000', pastFrom, pastTo],
    ] as const;
    const only = process.env.ONLY?.split(',');
    // the scan of a province-year at 1M takes minutes: SCAN=0 skips it, SCAN=name,… keeps it for those periods only
    const scans = process.env.SCAN === '0' ? [] : process.env.SCAN?.split(',');
    for (const [name, region, from, to] of periods) {
      if (only && !only.includes(name)) continue;
      const scanToo = !scans || scans.includes(name);
      const task = { region, period: { from, to }, lang: 'zh' as const, tz: DEFAULT_TZ, now: NOW, campaignStart: addDays(TODAY, -364) };
      const time = async (reads: Parameters<typeof briefingFrom>[0]) => {
        const c0 = cpu();
        const t0 = performance.now();
        const b = await briefingFrom(reads, task);
        return { ms: performance.now() - t0, cpuMs: cpu() - c0, b };
      };
      await time(repo); // warm the page cache for both
      const days = [await time(repo), await time(repo), await time(repo)];
      const scanned = scanToo ? [await time(scan), await time(scan)] : [];
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      out[name] = {
        from, to, load: loadavg()[0], daysMs: median(days.map((d) => d.ms)), daysCpuMs: median(days.map((d) => d.cpuMs)),
        ...(scanned.length ? {
          scanMs: median(scanned.map((d) => d.ms)), scanCpuMs: median(scanned.map((d) => d.cpuMs)),
          same: JSON.stringify(days[0]!.b) === JSON.stringify(scanned[0]!.b),
        } : {}),
        total: days[0]!.b.current.total,
      };
      console.error(JSON.stringify({ [name]: out[name] }));
    }
    console.log(JSON.stringify(out));
    await repo.close();
  } finally {
    if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true }); else console.log(dir);
  }
}

await main();
