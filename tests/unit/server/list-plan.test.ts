/**
 * How SQLite reads a page of a filtered list (docs/perf/list.md): for every region level, order and filter, with and
 * without a cursor, the page's ids come from the index listSql names, in that index's order — no sort of the
 * candidates, which on a million hazards is the difference between a page in a millisecond and in a second — and,
 * when every filter is on a column the index carries, without reading a hazard's row. The plan is read from
 * EXPLAIN QUERY PLAN on a store migrated as the server migrates it.
 */
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../../server/db/sqlite';
import { encodeCursor, listIndex, listSql } from '../../../server/hazards/list-sql';
import type { ListFilter } from '../../../shared/schemas';

const TODAY = '2024-12-05';
const REGIONS = [undefined, '140000', '140100', '140106', '140171'];
const FILTERS: ListFilter[] = [
  {}, { sector: 'coal' }, { overdue: true }, { overdue: false }, { sector: 'coal', overdue: true }, { level: 'major' },
  { status: 'rectifying' }, { status: 'reported', overdue: false }, { status: 'rectifying', overdue: true }, { status: 'closed', overdue: true },
  { planMissing: true }, { planMissing: false }, { sector: 'fire', level: 'major', status: 'reported', overdue: true },
  // not carried by the indexes: the row is read for these, but still in index order
  { source: 'inspection' }, { listed: true }, { listed: false, overdue: true },
];
const COVERED = (f: ListFilter) => f.source === undefined && f.listed === undefined;

let db: Database.Database;
beforeAll(() => {
  db = openSqlite(':memory:');
});
afterAll(() => db.close());

const plan = (sql: string, params: Record<string, unknown>) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((r) => r.detail);

describe('the plan of a list page on SQLite', () => {
  const cases = REGIONS.flatMap((region) => FILTERS.flatMap((f) => (['newest', 'deadline'] as const).flatMap((order) =>
    [undefined, encodeCursor(order === 'deadline' ? '2024-12-01' : '2024-11-20T00:00:00.000Z', 'C-05')].map((cursor) => ({ f: { ...f, region, order }, cursor })))));

  it.each(cases)('$f with cursor $cursor: in index order, never sorted', ({ f, cursor }) => {
    const { sql, ids, params } = listSql(f, 50, cursor, TODAY, 'sqlite');
    const steps = plan(ids, params);
    const index = listIndex(f);
    expect(steps[0], steps.join(' | ')).toMatch(new RegExp(`^(SCAN|SEARCH) hazards USING ${COVERED(f) ? 'COVERING ' : ''}INDEX ${index}\\b`));
    expect(steps.join(' | ')).not.toMatch(/TEMP B-TREE/);
    // the whole statement: the page's rows by primary key, in the page's order, nothing sorted
    const whole = plan(sql, params).join(' | ');
    expect(whole).toMatch(/SEARCH hazards USING INDEX sqlite_autoindex_hazards_1 \(id=\?\)/);
    expect(whole).not.toMatch(/TEMP B-TREE|AUTOMATIC/);
  });

  it.each(REGIONS)('a cursor seeks into the index of %s rather than walking it from its start', (region) => {
    for (const order of ['newest', 'deadline'] as const) {
      const cursor = encodeCursor(order === 'deadline' ? '2024-12-01' : '2024-11-20T00:00:00.000Z', 'C-05');
      const { ids, params } = listSql({ region, order, sector: 'coal', overdue: true }, 50, cursor, TODAY, 'sqlite');
      expect(plan(ids, params)[0]).toMatch(order === 'deadline' ? /^SEARCH .*\(deadline,id\)>\(\?,\?\)/ : /^SEARCH .*\(discovered_at,id\)<\(\?,\?\)/);
    }
  });
});
