/**
 * The marks of the briefing's per-day counts follow the density (server/briefing/days-store.ts markPassedDays): a
 * day is marked when the rows of `briefing_days` or of `briefing_found` since the last mark reach that mark's width,
 * so a sum up to any day reads one mark and less than a mark's width of rows after it. Both stores place the same
 * marks for the same history, and a store whose marks were placed by another rule (meta `briefing_marks`) is marked
 * afresh when it opens, its briefings unchanged.
 */
import { describe, expect, it } from 'vitest';
import { PROVINCE_CODE } from '../../shared/regions';
import { addDays } from '../../shared/time';
import type { ChainStore } from '../../server/hazards/chain.store';
import type { Query } from '../../server/hazards/chain-driver';
import { openStore } from '../../server/store';
import { briefingFrom } from '../../server/workers/read-ops';
import { audit, editBehind, filledStore, NOW, TODAY } from '../helpers/briefing-store';
import { postgresMissing } from '../helpers/postgres';
import { STORE_KINDS, TZ, type StoreKind, type TestStore } from '../helpers/stores';

const pgMissing = await postgresMissing();
const skipped = (kind: StoreKind) => kind === 'postgres' && pgMissing !== null;

type Marks = { days: string[]; width: Map<string, [number, number]>; rows: Map<string, [number, number]> };

/** The mark days, each mark's rows in both tables, and both tables' rows by day. */
async function marksOf(q: Query): Promise<Marks> {
  const days = (await q<{ d: string }>('SELECT mark_day AS d FROM briefing_mark_days ORDER BY mark_day')).map((r) => r.d);
  const width = new Map<string, [number, number]>();
  const rows = new Map<string, [number, number]>();
  for (const [i, t, col] of [[0, 'briefing_day_marks', 'mark_day'], [1, 'briefing_found_marks', 'mark_day'], [2, 'briefing_days', 'day'], [3, 'briefing_found', 'discovered_day']] as const) {
    for (const r of await q<{ d: string; n: number | string }>(`SELECT ${col} AS d, COUNT(*) AS n FROM ${t} GROUP BY ${col}`)) {
      const m = i < 2 ? width : rows;
      const v = m.get(r.d) ?? m.set(r.d, [0, 0]).get(r.d)!;
      v[i % 2] = Number(r.n);
    }
  }
  return { days, width, rows };
}

const marksIn = (store: TestStore) => audit(store, ({ source }) => marksOf(source.query!));

/** The rule, day by day: the rows since the last mark reach its width on a mark day and on no day before it. */
function expectDensityMarks(m: Marks): void {
  const days = [...m.rows.keys()].filter((d) => d < TODAY).sort();
  let prev = '';
  let since = [0, 0];
  for (const day of days) {
    const r = m.rows.get(day)!;
    since = [since[0]! + r[0], since[1]! + r[1]];
    const w: [number, number] = prev ? m.width.get(prev)! : [0, 0];
    const reached = since[0]! >= w[0] || since[1]! >= w[1];
    expect({ day, marked: m.days.includes(day) }).toEqual({ day, marked: reached });
    if (reached) [prev, since] = [day, [0, 0]];
  }
  expect(m.days.length).toBeGreaterThanOrEqual(3);
}

describe.each(STORE_KINDS)('the marks of the %s store', (kind) => {
  it.skipIf(skipped(kind))('are placed where the rows since the last mark reach its width, by the day turn and by a rebuild', async () => {
    const store = await filledStore(kind, 120, 5);
    try {
      // as the day turn placed them (the changes after it added to them)
      const turned = await marksIn(store);
      expect(turned.days.length).toBeGreaterThanOrEqual(3);
      expect(await (store.repo as ChainStore).rebuildBriefingDays(true)).toBe(true);
      expectDensityMarks(await marksIn(store));
    } finally {
      await store.close();
      await store.dispose();
    }
  }, 120_000);

  it.skipIf(skipped(kind))('placed by another rule, are placed afresh when the store opens; the briefings stay the same', async () => {
    const store = await filledStore(kind, 120, 5);
    try {
      const task = { region: PROVINCE_CODE, period: { from: addDays(TODAY, -30), to: TODAY }, lang: 'zh' as const, tz: TZ, now: NOW, campaignStart: '2024-09-01' };
      const want = await briefingFrom(store.repo, task);
      await store.close();
      // as a store marked by another rule (the fixed days of the month before): no `briefing_marks`; and no marks
      // at all here, so every mark found after opening was placed by it
      expect(await editBehind(store, "DELETE FROM meta WHERE key = 'briefing_marks'")).toBe(1);
      for (const t of ['briefing_day_marks', 'briefing_found_marks', 'briefing_mark_days']) await editBehind(store, `DELETE FROM ${t}`);
      const reopen = () => openStore({ DATA_DIR: store.env.DATA_DIR ?? 'unused', DATABASE_URL: store.env.DATABASE_URL, TZ_REGION: TZ });
      const again = await reopen();
      try {
        expect(await briefingFrom(again.repo, task)).toEqual(want);
      } finally {
        await again.close();
      }
      const m = await marksIn(store);
      expectDensityMarks(m);
      // the rule recorded: opening again leaves the marks as they are, even emptied behind its back
      for (const t of ['briefing_day_marks', 'briefing_found_marks', 'briefing_mark_days']) await editBehind(store, `DELETE FROM ${t}`);
      await (await reopen()).close();
      expect((await marksIn(store)).days).toEqual([]);
    } finally {
      await store.dispose();
    }
  }, 120_000);
});

describe.skipIf(pgMissing !== null)('both stores', () => {
  it('place the same marks, with the same counts, for the same history', async () => {
    const stores = await Promise.all(STORE_KINDS.map((k) => filledStore(k, 120, 5)));
    try {
      const rows = async (s: TestStore) => audit(s, async ({ source }) => ({
        days: await source.query!('SELECT mark_day FROM briefing_mark_days ORDER BY mark_day'),
        marks: (await source.query!<Record<string, unknown>>(
          `SELECT mark_day, region_code, axis, code, level, books_n, open_n, closed_n, rejected_n FROM briefing_day_marks
           ORDER BY mark_day, region_code, axis, code, level`)).map((r) => Object.values(r).map(String).join('|')),
      }));
      const [sqlite, postgres] = await Promise.all(stores.map(rows));
      expect(sqlite!.days.length).toBeGreaterThanOrEqual(3);
      expect(postgres).toEqual(sqlite);
    } finally {
      for (const s of stores) {
        await s.close();
        await s.dispose();
      }
    }
  }, 120_000);
});
