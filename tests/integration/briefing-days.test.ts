/**
 * The per-day counts the store keeps give the briefing the scan gives, on both stores: random lawful histories
 * (tests/helpers/briefing-sim.ts) sent through the chain store's own ingest and mutate — so the counts are the
 * ones its write path maintained, change by change, including changes dated before earlier ones — then for
 * random regions and periods the briefing from `periodFacts` (the aggregates) equals the briefing from
 * `scanPeriodFacts` (the scan and replay of server/hazards/briefing-sql.ts), figure for figure, flags and text.
 * The first day turn marks the days before it (briefing_day_marks, briefing_found_marks), so every later change dated back before a mark is
 * added to the marks as well. A rebuild from the history gives the same counts again, and a store whose counts
 * are missing refills them when it opens.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVINCE_CODE, childrenOf } from '../../shared/regions';
import { addDays, dayOf } from '../../shared/time';
import { HazardInputSchema } from '../../shared/schemas';
import { normalise } from '../../server/hazards/normalise';
import type { ChainStore } from '../../server/hazards/chain.store';
import { openSqliteStore } from '../../server/store';
import { briefingFrom } from '../../server/workers/read-ops';
import { BRIEFING_TABLES } from '../../server/briefing/days-store';
import { rng } from '../helpers/hazards';
import { simHazard, simMutation, type SimHazard } from '../helpers/briefing-sim';
import { postgresMissing } from '../helpers/postgres';
import { ACTOR, STORE_KINDS, TZ, openTestStore, type StoreKind, type TestStore } from '../helpers/stores';

const pgMissing = await postgresMissing();
const skipped = (kind: StoreKind) => kind === 'postgres' && pgMissing !== null;
const NOW = Date.parse('2024-11-25T04:00:00Z');
const TODAY = dayOf(NOW, TZ);
const REGIONS = [PROVINCE_CODE, '141100', childrenOf('141100')[0]!.code, '140100'];
const iso = (t: number) => new Date(t).toISOString();

/** Sends the simulated hazards through the store: one ingest, then every event in time order, one mutate each. */
async function feed(repo: ChainStore, hazards: SimHazard[], r: ReturnType<typeof rng>): Promise<void> {
  const inputs = hazards.map((h) => normalise(HazardInputSchema.parse({
    id: h.id, regionCode: h.regionCode, sector: h.sector, level: h.level, source: h.source, title: `模拟隐患 ${h.id}`,
    discoveredAt: iso(h.discoveredAt), ...(h.deadline ? { deadline: h.deadline } : {}),
  }), TZ));
  const out = await repo.ingest(inputs, ACTOR, iso(NOW));
  expect(out.every((o) => o.status === 'accepted')).toBe(true);
  // the first day turn marks the days before today (the marks): every later change dated before a mark
  // goes through the marks too
  await repo.turnDay(TODAY, iso(NOW));
  const events = hazards.flatMap((h) => h.events.map((e) => ({ h, e }))).sort((a, b) => a.e.at - b.e.at);
  // now and then an extension dated the day after discovery, recorded after everything else: out of order
  for (const h of hazards) if (r.next() < 0.1) events.push({ h, e: { at: h.discoveredAt + 86_400_000, deadline: addDays(TODAY, 3) } });
  for (const { h, e } of events) {
    const res = await repo.mutate(h.id, ACTOR, iso(NOW), (cur) => simMutation(e, cur));
    expect(res.ok).toBe(true);
  }
}

const scanOf = (repo: ChainStore): Parameters<typeof briefingFrom>[0] => ({
  periodFacts: (region, from, to, tz) => repo.scanPeriodFacts(region, from, to, tz), daily: (...a) => repo.scanDaily(...a),
  list: (...a) => repo.list(...a), iterate: (...a) => repo.iterate(...a), actorsOf: (...a) => repo.actorsOf(...a),
});

async function bothBriefings(repo: ChainStore, region: string, from: string, to: string) {
  const task = { region, period: { from, to }, lang: 'zh' as const, tz: TZ, now: NOW, campaignStart: '2024-09-01' };
  return { days: await briefingFrom(repo, task), scan: await briefingFrom(scanOf(repo), task) };
}

describe.each(STORE_KINDS)('the %s store', (kind) => {
  describe.skipIf(skipped(kind))('per-day counts', () => {
    let store: TestStore;
    let repo: ChainStore;
    let run = 0;
    beforeAll(async () => {
      store = await openTestStore(kind);
      repo = store.repo as ChainStore;
    });
    afterAll(async () => {
      await store?.close();
      await store?.dispose();
    });

    it('give the scan\'s briefing for random histories, regions and periods', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 30 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 40 }), fc.constantFrom(...REGIONS)), { minLength: 3, maxLength: 3 }),
          async (seed, periods) => {
            const r = rng(seed);
            run++;
            // each run adds its own hazards to the store: the history keeps growing across runs
            await feed(repo, Array.from({ length: 60 }, (_, i) => simHazard(r, i, NOW, { id: `R${run}-${String(i).padStart(3, '0')}` })), r);
            for (const [back, length, region] of periods) {
              const to = addDays(TODAY, -back);
              const { days, scan } = await bothBriefings(repo, region, addDays(to, -length), to);
              expect(days).toEqual(scan);
            }
          }),
        { numRuns: 5 },
      );
      expect(run).toBeGreaterThanOrEqual(5);
    }, 300_000);

    it('are the same after a rebuild from the history', async () => {
      const before = await bothBriefings(repo, PROVINCE_CODE, addDays(TODAY, -30), TODAY);
      expect(before.days.current.new).toBeGreaterThan(0);
      expect(await repo.rebuildBriefingDays(true)).toBe(true);
      const after = await bothBriefings(repo, PROVINCE_CODE, addDays(TODAY, -30), TODAY);
      expect(after.days).toEqual(before.days);
      expect(after.days).toEqual(after.scan);
      // the version is set: an ordinary start does not rebuild again
      expect(await repo.rebuildBriefingDays()).toBe(false);
    });
  });
});

describe.each(STORE_KINDS)('the %s store, where closures can flag', (kind) => {
  it.skipIf(skipped(kind))('reads the times of the closures of the units that can raise fast_closure, as the scan lists them all', async () => {
    const store = await openTestStore(kind);
    try {
      const county = childrenOf('141100')[0]!.code;
      const HOUR = 3_600_000;
      const at = NOW - 2 * 86_400_000;
      // a county that closes every new hazard within hours, and a city elsewhere that closes none
      const fast: SimHazard[] = Array.from({ length: 12 }, (_, i) => ({
        id: `F-${String(i).padStart(3, '0')}`, regionCode: county, sector: 'coal', level: 'general', source: 'self_check',
        discoveredAt: at + i * 60_000, deadline: null,
        events: [{ at: at + i * 60_000 + HOUR, to: 'rectifying' }, { at: at + i * 60_000 + 2 * HOUR, to: 'rectified' }, { at: at + i * 60_000 + 3 * HOUR, to: 'closed' }],
      }));
      const slow: SimHazard[] = Array.from({ length: 12 }, (_, i) => ({
        id: `S-${String(i).padStart(3, '0')}`, regionCode: childrenOf('140100')[0]!.code, sector: 'coal', level: 'general', source: 'self_check',
        discoveredAt: at + i * 60_000, deadline: null, events: [],
      }));
      await feed(store.repo as ChainStore, [...fast, ...slow], rng(3));
      for (const [region, flagged] of [[PROVINCE_CODE, ['141100']], ['141100', ['141100', county]], [county, [county]]] as const) {
        const { days, scan } = await bothBriefings(store.repo as ChainStore, region, addDays(TODAY, -6), TODAY);
        expect(days).toEqual(scan);
        expect(days.flags.filter((f) => f.rule === 'fast_closure').map((f) => f.region)).toEqual(flagged);
      }
    } finally {
      await store.close();
      await store.dispose();
    }
  }, 60_000);
});

describe('a SQLite store without its counts', () => {
  it('refills them from the history when it opens', async () => {
    const store = await openTestStore('sqlite');
    const file = join(store.env.DATA_DIR!, 'hazards.sqlite');
    try {
      const r = rng(11);
      await feed(store.repo as ChainStore, Array.from({ length: 40 }, (_, i) => simHazard(r, i, NOW, { id: `M-${String(i).padStart(3, '0')}` })), r);
      const want = await bothBriefings(store.repo as ChainStore, PROVINCE_CODE, addDays(TODAY, -60), TODAY);
      await store.close();
      // as a store just migrated would be (013 empties the tables): empty tables, no version
      const db = new Database(file);
      db.exec(`${BRIEFING_TABLES.map((t) => `DELETE FROM ${t};`).join(' ')} DELETE FROM meta WHERE key = 'briefing_days'`);
      db.close();
      const reopened = await openSqliteStore(file, TZ);
      try {
        const got = await bothBriefings(reopened.repo as ChainStore, PROVINCE_CODE, addDays(TODAY, -60), TODAY);
        expect(got.days).toEqual(want.days);
        expect(got.days.current.total).toBeGreaterThan(0);
      } finally {
        await reopened.close();
      }
      // counts emptied behind a current version: opening keeps them (empty), the CLI refills them
      const wiped = new Database(file);
      wiped.exec(BRIEFING_TABLES.map((t) => `DELETE FROM ${t};`).join(' '));
      wiped.close();
      const cli = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/briefing-days.ts', 'rebuild'], {
        cwd: resolve(import.meta.dirname, '../..'), env: { ...process.env, DATA_DIR: store.env.DATA_DIR!, DATABASE_URL: '' }, encoding: 'utf8',
      });
      expect(cli.stderr).toBe('');
      expect(cli.stdout).toMatch(/^briefing-days: rebuilt from the history on sqlite:/);
      const refilled = await openSqliteStore(file, TZ);
      try {
        expect((await bothBriefings(refilled.repo as ChainStore, PROVINCE_CODE, addDays(TODAY, -60), TODAY)).days).toEqual(want.days);
      } finally {
        await refilled.close();
      }
    } finally {
      await store.dispose();
    }
  }, 60_000);
});
