/**
 * The integrity check of the briefing's per-day counts (server/audit/briefing-days-check.ts), through the audit's
 * own read-only source on both stores: on a store whose counts were kept by its write path it finds nothing, and on
 * PostgreSQL it runs one statement at a time on the audit's one client (pg queues more only under a deprecation,
 * and pg 9 refuses them).
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { checkBriefingDays } from '../../server/audit/briefing-days-check';
import { audit, editBehind, filledStore, TODAY } from '../helpers/briefing-store';
import { postgresMissing } from '../helpers/postgres';
import { STORE_KINDS, TZ, type StoreKind } from '../helpers/stores';

const pgMissing = await postgresMissing();
const skipped = (kind: StoreKind) => kind === 'postgres' && pgMissing !== null;

/** The most statements one pg client had running at once while `work` ran. */
async function mostAtOnce<T>(work: () => Promise<T>): Promise<{ value: T; most: number }> {
  const query = pg.Client.prototype.query;
  let most = 0;
  const running = new WeakMap<object, number>();
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const now = (running.get(this) ?? 0) + 1;
    running.set(this, now);
    most = Math.max(most, now);
    const out = (query as (...a: unknown[]) => unknown).apply(this, args);
    const done = () => void running.set(this, (running.get(this) ?? 1) - 1);
    if (out instanceof Promise) void out.then(done, done);
    return out;
  } as typeof query;
  try {
    return { value: await work(), most };
  } finally {
    pg.Client.prototype.query = query;
  }
}

describe.each(STORE_KINDS)('the integrity check of the %s store\'s per-day counts', (kind) => {
  it.skipIf(skipped(kind))('finds them equal to the history, one statement at a time on the audit\'s client', async () => {
    const store = await filledStore(kind);
    try {
      await audit(store, async ({ source }) => {
        const today = await source.meta('day');
        expect(today).toBe(TODAY);
        const { value, most } = await mostAtOnce(() => checkBriefingDays(source.query!, TZ, today!));
        expect(value).toBeNull();
        expect(most).toBeLessThanOrEqual(1);
      });
    } finally {
      await store.close();
      await store.dispose();
    }
  }, 60_000);

  it.skipIf(skipped(kind))('finds a mark that is not the sum of its days, in either table, though no period it compares reads that mark', async () => {
    const store = await filledStore(kind, 120, 5);
    try {
      const marks = await audit(store, async ({ source }) => (await source.query!<{ d: string }>('SELECT mark_day AS d FROM briefing_mark_days ORDER BY mark_day')).map((r) => r.d));
      // the oldest mark: the check's periods (the last year and week, up to today) read only the newest marks
      expect(marks.length).toBeGreaterThanOrEqual(3);
      const oldest = marks[0]!;
      for (const [table, column] of [['briefing_day_marks', 'books_n'], ['briefing_found_marks', 'found_n']] as const) {
        const edit = (by: number) => `UPDATE ${table} SET ${column} = ${column} + ${by} WHERE mark_day = '${oldest}' AND axis = 'sector'
          AND region_code = (SELECT MIN(region_code) FROM ${table} WHERE mark_day = '${oldest}' AND axis = 'sector' AND ${column} > 0)
          AND code = (SELECT MIN(code) FROM ${table} WHERE mark_day = '${oldest}' AND axis = 'sector' AND ${column} > 0
            AND region_code = (SELECT MIN(region_code) FROM ${table} WHERE mark_day = '${oldest}' AND axis = 'sector' AND ${column} > 0))`;
        expect(await editBehind(store, edit(1))).toBeGreaterThanOrEqual(1);
        const problem = await audit(store, async ({ source }) => checkBriefingDays(source.query!, TZ, (await source.meta('day'))!));
        expect(problem).toMatchObject({ record: `table ${table}` });
        expect(problem!.message).toContain(oldest);
        expect(await editBehind(store, edit(-1))).toBeGreaterThanOrEqual(1);
        expect(await audit(store, async ({ source }) => checkBriefingDays(source.query!, TZ, (await source.meta('day'))!))).toBeNull();
      }
    } finally {
      await store.close();
      await store.dispose();
    }
  }, 120_000);
});
