/**
 * Filtered lists on random data, on SQLite and on PostgreSQL: every page followed by its cursor must be exactly the
 * slice an offset would give of the reference — all hazards filtered and sorted here, with 五落实缺项 worked out
 * here from each hazard's own history — for random filter combinations, both orders and page sizes from 1 up.
 * The data has ties on purpose (discovery times and deadlines shared by several hazards, deadlines on `today`),
 * hazards of a development zone and of a city itself, and every status. The list reads a page's ids in index order
 * and then those rows (docs/perf/list.md); this is what proves that gives the same items in the same order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredHazard } from '../../server/hazards/hazards.repository';
import { listing, transition } from '../../server/hazards/workflow';
import { LEVEL_CODES, OPEN_STATUSES, SECTOR_CODES, SOURCE_CODES, STATUS_CODES, allowedNext } from '../../shared/domain';
import { getRegion } from '../../shared/regions';
import { HazardInputSchema, type ListFilter } from '../../shared/schemas';
import { rng } from '../helpers/hazards';
import { postgresMissing } from '../helpers/postgres';
import { ACTOR, STORE_KINDS, openTestStore, prepared, type StoreKind, type TestStore } from '../helpers/stores';

const pgMissing = await postgresMissing();
const skipped = (kind: StoreKind) => kind === 'postgres' && pgMissing !== null;

const ADMIN = { tokenId: 'tok-test', name: ACTOR.kind === 'token' ? ACTOR.name : '', role: ACTOR.role, region: '140000' };
const NOW = Date.parse('2025-01-01T00:00:00Z');
const TODAY = '2024-12-05';
const HAZARDS = 240;
// counties of two cities, a city reporting under its own code, a development zone (140171 under 太原)
const REGIONS = ['140105', '140106', '140171', '141102', '141181', '141100'];
const SECTORS = SECTOR_CODES.slice(0, 3);
const DEADLINES = ['2024-11-20', '2024-12-04', TODAY, TODAY, '2024-12-06', '2024-12-20', undefined] as const;
// few distinct discovery times: many hazards share one, so the id decides their order
const TIMES = Array.from({ length: 40 }, (_, i) => new Date(Date.parse('2024-11-01T01:00:00Z') + i * 5 * 3_600_000).toISOString());
const PLAN = { responsible: '王建国', measures: '更换支护', funds: '12 万元', contingency: '撤人预案' };

/** 五落实缺项 from the history: major, in rectification, and none of its transitions recorded a plan. */
const planMissingOf = (h: StoredHazard, planned: Set<string>) => h.level === 'major' && h.status === 'rectifying' && !planned.has(h.id);
const isOverdue = (h: StoredHazard) => OPEN_STATUSES.includes(h.status) && h.deadline !== null && h.deadline < TODAY;

function keeps(f: ListFilter, h: StoredHazard): boolean {
  const r = f.region ? getRegion(f.region) : undefined;
  if (r?.level === 'city' && h.cityCode !== r.code) return false;
  if ((r?.level === 'county' || r?.level === 'zone') && h.regionCode !== r.code) return false;
  if (f.sector && h.sector !== f.sector) return false;
  if (f.level && h.level !== f.level) return false;
  if (f.status && h.status !== f.status) return false;
  if (f.source && h.input.source !== f.source) return false;
  if (f.overdue !== undefined && isOverdue(h) !== f.overdue) return false;
  if (f.listed !== undefined && (h.listedBy !== null) !== f.listed) return false;
  if (f.planMissing !== undefined && h.planMissing !== f.planMissing) return false;
  return f.order !== 'deadline' || h.deadline !== null;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const ordered = (f: ListFilter) => (a: StoredHazard, b: StoredHazard) =>
  f.order === 'deadline' ? cmp(a.deadline!, b.deadline!) || cmp(a.id, b.id) : cmp(b.discoveredAt, a.discoveredAt) || cmp(b.id, a.id);

/** A random filter: each field present or not, regions at every level (the province too). */
function randomFilter(r: ReturnType<typeof rng>): ListFilter {
  const maybe = <T>(p: number, v: () => T): T | undefined => (r.next() < p ? v() : undefined);
  const f: ListFilter = {
    region: maybe(0.7, () => r.pick([...REGIONS, '140100', '141100', '140000'])),
    sector: maybe(0.4, () => r.pick(SECTORS)),
    level: maybe(0.25, () => r.pick(LEVEL_CODES)),
    status: maybe(0.3, () => r.pick(STATUS_CODES)),
    source: maybe(0.15, () => r.pick(SOURCE_CODES)),
    overdue: maybe(0.5, () => r.next() < 0.6),
    listed: maybe(0.15, () => r.next() < 0.5),
    planMissing: maybe(0.2, () => r.next() < 0.6),
    order: r.next() < 0.5 ? 'deadline' : 'newest',
  };
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as ListFilter;
}

describe.each(STORE_KINDS)('filtered lists on the %s store', (kind) => {
  describe.skipIf(skipped(kind))('pages by cursor equal offset pages of the reference', () => {
    let s: TestStore;
    let reference: StoredHazard[] = [];

    beforeAll(async () => {
      s = await openTestStore(kind);
      const r = rng(11_2026);
      const inputs = Array.from({ length: HAZARDS }, (_, i) => {
        const level = r.next() < 0.4 ? 'major' : 'general';
        const deadline = r.pick(DEADLINES) ?? (level === 'major' ? '2024-12-20' : undefined);
        return HazardInputSchema.parse({
          id: `L-${String(i).padStart(4, '0')}`, regionCode: r.pick(REGIONS), sector: r.pick(SECTORS), level, title: `列表隐患 ${i}`,
          source: r.pick(SOURCE_CODES), discoveredAt: r.pick(TIMES), ...(deadline ? { deadline } : {}),
        });
      });
      for (let i = 0; i < inputs.length; i += 60) await s.repo.ingest(prepared(inputs.slice(i, i + 60)), ACTOR, TIMES[39]!);
      const planned = new Set<string>();
      let n = 0;
      const recordedAt = () => new Date(Date.parse('2024-12-02T00:00:00Z') + n++ * 1000).toISOString();
      for (const h of inputs) {
        // a random walk through the workflow: 0–3 moves, into rectification with a plan or without
        let status = 'reported' as StoredHazard['status'];
        for (let k = r.int(4); k > 0; k--) {
          const next = allowedNext(status, h.level);
          if (!next.length) break;
          const to = r.pick(next);
          const plan = to === 'rectifying' && r.next() < 0.5 ? PLAN : undefined;
          const out = await s.repo.mutate(h.id, ACTOR, recordedAt(), (x) => transition({ to, ...(plan ? { plan } : {}) }, NOW)(x, recordedAt()));
          expect(out.ok, JSON.stringify(out)).toBe(true);
          if (plan) planned.add(h.id);
          status = to;
        }
        if (h.level === 'major' && OPEN_STATUSES.includes(status) && r.next() < 0.3) {
          const out = await s.repo.mutate(h.id, ACTOR, recordedAt(), (x) => listing({ by: r.pick(['province', 'city'] as const) }, ADMIN)(x, recordedAt()));
          expect(out.ok, JSON.stringify(out)).toBe(true);
        }
      }
      const all: StoredHazard[] = [];
      for await (const h of s.repo.allHazards()) all.push(h);
      // the reference's flag comes from the history written above, not from the store's SQL
      reference = all.map((h) => ({ ...h, planMissing: planMissingOf(h, planned) }));
      expect(reference.filter((h) => h.planMissing).length).toBeGreaterThan(3);
      expect(reference.filter((h) => h.listedBy !== null).length).toBeGreaterThan(3);
      expect(reference.filter(isOverdue).length).toBeGreaterThan(20);
      expect(new Set(reference.map((h) => h.status)).size).toBe(STATUS_CODES.length);
    }, 120_000);
    afterAll(async () => {
      await s?.repo.close();
      await s?.dispose();
    });

    it('the store flags 五落实缺项 as the history says', async () => {
      for (const h of reference) expect((await s.repo.get(h.id))?.planMissing, h.id).toBe(h.planMissing);
    });

    it('for 150 random filters, each page by cursor is the offset page of the reference', async () => {
      const r = rng(2026_12_02);
      let nonEmpty = 0;
      for (let t = 0; t < 150; t++) {
        const f = randomFilter(r);
        const limit = r.pick([1, 2, 3, 7, 50, 500]);
        const expected = reference.filter((h) => keeps(f, h)).sort(ordered(f));
        if (expected.length) nonEmpty++;
        let cursor: string | undefined;
        for (let offset = 0; ; offset += limit) {
          const page = await s.repo.list(f, limit, cursor, TODAY);
          const why = `${JSON.stringify(f)} limit ${limit} offset ${offset}`;
          expect(page.items, why).toEqual(expected.slice(offset, offset + limit));
          // a next cursor exactly when more items follow
          expect(page.nextCursor !== null, why).toBe(offset + limit < expected.length);
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
      }
      // the filters are not all empty: most combinations find something
      expect(nonEmpty).toBeGreaterThan(60);
    }, 120_000);

    it('a status named with overdue narrows exactly as the two filters apart (the rewritten terms)', async () => {
      for (const status of STATUS_CODES) {
        for (const overdue of [true, false]) {
          for (const order of ['newest', 'deadline'] as const) {
            const f: ListFilter = { status, overdue, order };
            const page = await s.repo.list(f, 500, undefined, TODAY);
            expect(page.items.map((h) => h.id), JSON.stringify(f)).toEqual(reference.filter((h) => keeps(f, h)).sort(ordered(f)).map((h) => h.id));
          }
        }
      }
    });

    it('a development zone lists its own hazards, not the province', async () => {
      const page = await s.repo.list({ region: '140171' }, 500, undefined, TODAY);
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.items.every((h) => h.regionCode === '140171')).toBe(true);
      // and its city lists them with its counties
      const city = await s.repo.list({ region: '140100' }, 500, undefined, TODAY);
      expect(city.items.some((h) => h.regionCode === '140171')).toBe(true);
    });
  });
});
