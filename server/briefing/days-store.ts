/**
 * The per-day counts in the store (tables briefing_days, briefing_found, briefing_late and their marks, migration
 * 013; docs/ARCHITECTURE.md "Briefings from daily aggregates"): written in the
 * transaction of every change the chain store applies (the difference of the hazard's contribution before and
 * after it, server/briefing/daily.ts), and rebuilt from the history when the meta key `briefing_days` is not
 * BRIEFING_DAYS_VERSION. Portable SQL over the driver port (server/hazards/chain-driver.ts).
 */
import { getRegion, PROVINCE_CODE } from '../../shared/regions';
import type { StateChange, StateFacts } from '../../shared/briefing';
import type { Level, Sector, Source, Status } from '../../shared/domain';
import type { ChainDriver, Params, Query, WriteTx } from '../hazards/chain-driver';
import type { ChangePayload } from '../hazards/changes';
import { getMeta, SET_META } from '../hazards/chain-head';
import { AXES, CellDiff, codeOf, contribution, type HazardLife } from './daily';

/** Raise when contribution() changes meaning: every store then rebuilds its counts at the next start. */
export const BRIEFING_DAYS_VERSION = '2';
const META_KEY = 'briefing_days';

/** The city a region counts in (itself for a city, or a region with no parent): the tables' city_code. */
export const cityOf = (regionCode: string): string => {
  const r = getRegion(regionCode);
  return r?.level === 'city' || !r?.parent ? regionCode : r.parent;
};

type Table = { name: string; key: readonly string[]; counts: readonly string[]; city?: false };
const AXIS_KEY = ['region_code', 'axis', 'code', 'level'] as const;
const DAY_COUNTS_SQL = ['rejected_n', 'closed_n', 'books_n', 'open_n', 'overdue_n', 'rectified_n'] as const;
const NEW_COUNTS_SQL = ['found_n', 'rectified_n', 'closed_n'] as const;
/** by day: the flows of the day and the changes of the end-of-day levels */
const DAYS: Table = { name: 'briefing_days', key: ['day', ...AXIS_KEY], counts: DAY_COUNTS_SQL };
/** by day of discovery, every day of the change summed: what the hazards discovered that day count for now */
const FOUND: Table = { name: 'briefing_found', key: ['discovered_day', ...AXIS_KEY], counts: NEW_COUNTS_SQL };
/** the changes dated after the day of discovery, by both days: what a period ending before them must take away */
const LATE: Table = { name: 'briefing_late', key: ['discovered_day', 'day', ...AXIS_KEY], counts: NEW_COUNTS_SQL };
/** new (found, not rejected, by the level now) by day of discovery and closed by day of closing, per scope */
const TREND: Table = { name: 'briefing_trend', key: ['scope', 'day', 'level'], counts: ['new_n', 'closed_n'], city: false };
/** the sums of DAYS (by day) and of FOUND (by day of discovery) up to and including each mark day */
const DAY_MARKS: Table = { name: 'briefing_day_marks', key: ['mark_day', ...AXIS_KEY], counts: DAY_COUNTS_SQL };
const FOUND_MARKS: Table = { name: 'briefing_found_marks', key: ['mark_day', ...AXIS_KEY], counts: NEW_COUNTS_SQL };

/** `size` rows of one upsert that adds its counts to the row already there. */
function upsertSql(t: Table, size: number, positional = false): string {
  const cols = [...t.key, ...(t.city === false ? [] : ['city_code']), ...t.counts];
  const values = Array.from({ length: size }, (_, i) => `(${cols.map((_, j) => (positional ? '?' : `@r${i}c${j}`)).join(', ')})`).join(', ');
  return `INSERT INTO ${t.name} (${cols.join(', ')}) VALUES ${values}
    ON CONFLICT (${t.key.join(', ')}) DO UPDATE SET ${t.counts.map((c) => `${c} = ${t.name}.${c} + excluded.${c}`).join(', ')}`;
}
/** The one-row upsert with positional parameters, for a driver that runs one statement per row (WriteTx.runEach). */
const POSITIONAL = new Map<Table, string>();
const positionalSql = (t: Table) => POSITIONAL.get(t) ?? POSITIONAL.set(t, upsertSql(t, 1, true)).get(t)!;
const SQL = new Map<string, string>();
const sqlOf = (t: Table, size: number) => SQL.get(`${t.name}${size}`) ?? SQL.set(`${t.name}${size}`, upsertSql(t, size)).get(`${t.name}${size}`)!;

/** `r{row}c{column}`: the upserts' parameter names, built once. */
const NAMES = Array.from({ length: 64 }, (_, r) => Array.from({ length: 13 }, (_, c) => `r${r}c${c}`));

/**
 * Statements of `most` (64), 8 and 1 rows: few shapes, so they stay prepared; few round trips for PostgreSQL.
 * SQLite gets `most` = 1: one prepared upsert per cell is cheaper in-process than binding wide statements.
 */
async function upsert(q: Query, t: Table, rows: readonly unknown[][], most: number, each?: WriteTx['runEach']): Promise<void> {
  if (each) {
    if (rows.length) await each(positionalSql(t), rows);
    return;
  }
  for (let i = 0; i < rows.length;) {
    const left = rows.length - i;
    const size = left >= 64 && most >= 64 ? 64 : left >= 8 && most >= 8 ? 8 : 1;
    const params: Params = {};
    for (let r = 0; r < size; r++) {
      const row = rows[i + r]!;
      const names = NAMES[r]!;
      for (let c = 0; c < row.length; c++) params[names[c]!] = row[c];
    }
    await q(sqlOf(t, size), params);
    i += size;
  }
}

/** The rows of a table (its key, city_code, its counts), summed by key: a cell becomes one row per axis. */
class Rows {
  private readonly rows = new Map<string, unknown[]>();
  constructor(private readonly keyLength: number) {}
  add(key: readonly string[], city: string, counts: readonly number[]): void {
    const k = key.join('|');
    const r = this.rows.get(k);
    if (!r) {
      this.rows.set(k, [...key, city, ...counts]);
      return;
    }
    for (let i = 0; i < counts.length; i++) (r[this.keyLength + 1 + i] as number) += counts[i]!;
  }
  /** Rows whose counts are not all zero. */
  list(): unknown[][] {
    return [...this.rows.values()].filter((r) => r.slice(this.keyLength + 1).some((n) => n !== 0));
  }
}

/** The newest mark day (at most `atMost`), '' when there is none. */
export async function lastMark(q: Query, atMost?: string): Promise<string> {
  const [r] = await q<{ d: string | null }>(
    `SELECT MAX(mark_day) AS d FROM briefing_mark_days ${atMost ? 'WHERE mark_day <= @atMost' : ''}`, atMost ? { atMost } : {});
  return r?.d ?? '';
}

/** A row's counts added to every mark on or after `day` (a change dated on or before a mark already taken). */
const markSql = (t: Table) => `INSERT INTO ${t.name} (mark_day, ${AXIS_KEY.join(', ')}, city_code, ${t.counts.join(', ')})
  SELECT mark_day, @region, @axis, @code, @level, @city, ${t.counts.map((c) => `CAST(@${c} AS BIGINT)`).join(', ')}
  FROM briefing_mark_days WHERE mark_day >= @day
  ON CONFLICT (mark_day, ${AXIS_KEY.join(', ')}) DO UPDATE SET
  ${t.counts.map((c) => `${c} = ${t.name}.${c} + excluded.${c}`).join(', ')}`;
const DAY_MARK_SQL = markSql(DAY_MARKS);
const FOUND_MARK_SQL = markSql(FOUND_MARKS);

async function addToMarks(q: Query, sql: string, t: Table, rows: readonly unknown[][], mark: string): Promise<void> {
  // the row's first column is its day (DAYS) or day of discovery (FOUND), then region, axis, code, level, city, counts
  for (const r of rows) {
    if ((r[0] as string) > mark) continue;
    const params: Params = { day: r[0], region: r[1], axis: r[2], code: r[3], level: r[4], city: r[5] };
    t.counts.forEach((c, i) => (params[c] = r[6 + i]));
    await q(sql, params);
  }
}

/**
 * Writes a difference of contributions (inside the change's transaction), marks included. `each`: the driver's
 * one-statement-per-row runner (SQLite), used instead of `rowsPerStatement`-row statements when it has one.
 */
export async function applyCells(q: Query, diff: CellDiff, rowsPerStatement = 64, each?: WriteTx['runEach']): Promise<void> {
  const days = new Rows(DAYS.key.length);
  const found = new Rows(FOUND.key.length);
  const late = new Rows(LATE.key.length);
  for (const c of diff.dayCells()) {
    const city = cityOf(c.regionCode);
    const counts = [c.rejected, c.closed, c.books, c.open, c.overdue, c.rectified];
    for (const axis of AXES) days.add([c.day, c.regionCode, axis, codeOf(c, axis), c.level], city, counts);
  }
  for (const c of diff.newCells()) {
    const city = cityOf(c.regionCode);
    const counts = [c.found, c.rectified, c.closed];
    for (const axis of AXES) {
      found.add([c.discoveredDay, c.regionCode, axis, codeOf(c, axis), c.level], city, counts);
      // on the day of discovery a cell is never after a period that counts it as new
      if (c.day > c.discoveredDay) late.add([c.discoveredDay, c.day, c.regionCode, axis, codeOf(c, axis), c.level], city, counts);
    }
  }
  // the trend (new and closed per day) for the province, the city and the county: a briefing reads its own scope's days
  const trend = new Rows(3);
  const scopes = (regionCode: string) => new Set([PROVINCE_CODE, cityOf(regionCode), regionCode]);
  for (const c of diff.newCells()) if (c.found) for (const s of scopes(c.regionCode)) trend.add([s, c.discoveredDay, c.level], '', [c.found, 0]);
  for (const c of diff.dayCells()) if (c.closed) for (const s of scopes(c.regionCode)) trend.add([s, c.day, c.level], '', [0, c.closed]);
  await upsert(q, TREND, trend.list().map((r) => [r[0], r[1], r[2], r[4], r[5]]), rowsPerStatement, each);
  const dayRows = days.list();
  const foundRows = found.list();
  await upsert(q, DAYS, dayRows, rowsPerStatement, each);
  await upsert(q, FOUND, foundRows, rowsPerStatement, each);
  await upsert(q, LATE, late.list(), rowsPerStatement, each);
  // most changes are of today, after every mark: only a change dated back (or of a hazard found before a mark) costs more
  const mark = dayRows.length || foundRows.length ? await lastMark(q) : '';
  if (!mark) return;
  await addToMarks(q, DAY_MARK_SQL, DAY_MARKS, dayRows, mark);
  await addToMarks(q, FOUND_MARK_SQL, FOUND_MARKS, foundRows, mark);
}

const markFill = (t: Table, dayCol: string, from: Table) => `INSERT INTO ${t.name} (mark_day, ${AXIS_KEY.join(', ')}, city_code, ${t.counts.join(', ')})
  SELECT @mark, ${AXIS_KEY.join(', ')}, city_code, ${t.counts.map((c) => `SUM(${c})`).join(', ')} FROM (
    SELECT ${AXIS_KEY.join(', ')}, city_code, ${t.counts.join(', ')} FROM ${t.name} WHERE mark_day = @prev
    UNION ALL SELECT ${AXIS_KEY.join(', ')}, city_code, ${t.counts.join(', ')} FROM ${from.name} WHERE ${dayCol} > @prev AND ${dayCol} <= @mark
  ) u GROUP BY ${AXIS_KEY.join(', ')}, city_code`;
const DAY_MARK_FILL = markFill(DAY_MARKS, 'day', DAYS);
const FOUND_MARK_FILL = markFill(FOUND_MARKS, 'discovered_day', FOUND);

/** Raise when the rule that places the marks changes: a store marked by another rule is marked afresh when it opens. */
export const BRIEFING_MARKS_VERSION = 'rows-1';
const MARKS_META_KEY = 'briefing_marks';

/** Rows of a table by day (or day of discovery) after `after` and before `before`. */
async function rowsByDay(q: Query, t: Table, dayCol: string, after: string, before: string): Promise<Map<string, number>> {
  const rows = await q<{ d: string; n: number | string }>(
    `SELECT ${dayCol} AS d, COUNT(*) AS n FROM ${t.name} WHERE ${dayCol} > @after AND ${dayCol} < @before GROUP BY ${dayCol}`, { after, before });
  return new Map(rows.map((r) => [r.d, Number(r.n)]));
}

/** A mark's width: its rows (none before the first mark). */
async function widthOf(q: Query, t: Table, mark: string): Promise<number> {
  if (!mark) return 0;
  const [r] = await q<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${t.name} WHERE mark_day = @mark`, { mark });
  return Number(r?.n ?? 0);
}

/**
 * Marks the days before `day` (at each day turn, and after a rebuild) where the marks' density asks for one: a day
 * is marked, as the previous mark plus the days since, when the rows of `briefing_days` (by day) or of
 * `briefing_found` (by day of discovery) since the last mark reach that mark's width. A sum up to any day then reads
 * one mark and less than one mark's width of rows after it (and the day itself): a mark every day or two where
 * tens of thousands of hazards a day are found, every few weeks where few are. The placement depends only on the
 * rows, in day order, so every store of the same history has the same marks.
 */
export async function markPassedDays(q: Query, day: string): Promise<void> {
  let prev = await lastMark(q);
  const days = await rowsByDay(q, DAYS, 'day', prev, day);
  const found = await rowsByDay(q, FOUND, 'discovered_day', prev, day);
  let width = [await widthOf(q, DAY_MARKS, prev), await widthOf(q, FOUND_MARKS, prev)];
  let since = [0, 0];
  for (const mark of [...new Set([...days.keys(), ...found.keys()])].sort()) {
    since = [since[0]! + (days.get(mark) ?? 0), since[1]! + (found.get(mark) ?? 0)];
    if (since[0]! < width[0]! && since[1]! < width[1]!) continue;
    await q(DAY_MARK_FILL, { mark, prev });
    await q(FOUND_MARK_FILL, { mark, prev });
    await q('INSERT INTO briefing_mark_days (mark_day) VALUES (@mark)', { mark });
    width = [await widthOf(q, DAY_MARKS, mark), await widthOf(q, FOUND_MARKS, mark)];
    since = [0, 0];
    prev = mark;
  }
}

/**
 * Places the marks afresh by the current rule when the store's were placed by another (meta `briefing_marks`), in
 * one write transaction: the counts themselves are kept. Returns whether it ran.
 */
export async function remarkBriefingDays(driver: ChainDriver): Promise<boolean> {
  return driver.write(async (tx) => {
    if ((await getMeta(tx.query, MARKS_META_KEY)) === BRIEFING_MARKS_VERSION) return { out: false, headSeq: null };
    for (const t of ['briefing_day_marks', 'briefing_found_marks', 'briefing_mark_days']) await tx.query(`DELETE FROM ${t}`);
    const day = await getMeta(tx.query, 'day');
    if (day) await markPassedDays(tx.query, day);
    await tx.query(SET_META, { key: MARKS_META_KEY, value: BRIEFING_MARKS_VERSION });
    return { out: true, headSeq: null };
  });
}

/** Whether the store's marks were placed by the current rule. */
export async function marksCurrent(q: Query): Promise<boolean> {
  return (await getMeta(q, MARKS_META_KEY)) === BRIEFING_MARKS_VERSION;
}

/** A key whose counts in a mark differ from those of the previous mark plus the rows of the days between. */
const markCheck = (t: Table, dayCol: string, from: Table) => `SELECT ${AXIS_KEY.join(', ')}, city_code FROM (
    SELECT ${AXIS_KEY.join(', ')}, city_code, ${t.counts.join(', ')} FROM ${t.name} WHERE mark_day = @mark
    UNION ALL SELECT ${AXIS_KEY.join(', ')}, city_code, ${t.counts.map((c) => `-${c}`).join(', ')} FROM ${t.name} WHERE mark_day = @prev
    UNION ALL SELECT ${AXIS_KEY.join(', ')}, city_code, ${t.counts.map((c) => `-${c}`).join(', ')} FROM ${from.name} WHERE ${dayCol} > @prev AND ${dayCol} <= @mark
  ) u GROUP BY ${AXIS_KEY.join(', ')}, city_code HAVING ${t.counts.map((c) => `SUM(${c}) <> 0`).join(' OR ')} LIMIT 1`;
const MARK_CHECKS = [
  { table: DAY_MARKS.name, sql: markCheck(DAY_MARKS, 'day', DAYS) },
  { table: FOUND_MARKS.name, sql: markCheck(FOUND_MARKS, 'discovered_day', FOUND) },
] as const;

/**
 * The first mark that is not the sum of its table's rows up to its day, or null: each mark against the one before
 * it plus the days between (so, mark by mark, every mark against all its days), and no mark rows of a day that is
 * not a mark day. For the integrity check (server/audit/briefing-days-check.ts): the briefing reads the newest mark
 * before a day in place of every day up to it.
 */
export async function badMark(q: Query): Promise<{ table: string; day: string } | null> {
  for (const { name } of [DAY_MARKS, FOUND_MARKS]) {
    const [stray] = await q<{ d: string }>(
      `SELECT mark_day AS d FROM ${name} WHERE mark_day NOT IN (SELECT mark_day FROM briefing_mark_days) LIMIT 1`);
    if (stray) return { table: name, day: stray.d };
  }
  let prev = '';
  for (const { d: mark } of await q<{ d: string }>('SELECT mark_day AS d FROM briefing_mark_days ORDER BY mark_day')) {
    for (const c of MARK_CHECKS) if ((await q(c.sql, { mark, prev })).length) return { table: c.table, day: mark };
    prev = mark;
  }
  return null;
}

/** Every table of the counts (migration 013). */
export const BRIEFING_TABLES = ['briefing_days', 'briefing_found', 'briefing_late', 'briefing_day_marks', 'briefing_found_marks', 'briefing_mark_days', 'briefing_trend'] as const;

/** A `hazards` row's columns that the contribution reads. */
export type LifeRow = {
  id: string; region_code: string; sector: string; source: string; discovered_day: string;
  status: string; level: string; deadline: string | null; closed_day: string | null;
};
export type LifeChange = { seq: number | string; at: string; payload: string };

const stateOf = (f: ChangePayload['before']): StateFacts | null => (f ? { status: f.status, level: f.level, deadline: f.deadline } : null);

export function lifeOf(h: LifeRow, changes: readonly LifeChange[]): HazardLife {
  return {
    id: h.id, regionCode: h.region_code, sector: h.sector as Sector, source: h.source as Source, discoveredDay: h.discovered_day,
    current: { status: h.status as Status, level: h.level as Level, deadline: h.deadline }, closedDay: h.closed_day,
    changes: changes.map((c): StateChange => {
      const p = JSON.parse(c.payload) as ChangePayload;
      return { seq: Number(c.seq), at: c.at, before: stateOf(p.before), after: stateOf(p.after) };
    }),
  };
}

/** The changes after `reported` of one hazard, in order: what its contribution replays. */
export const HISTORY_SQL = `SELECT seq, at, payload FROM changes WHERE hazard_id = @id AND kind <> 'reported' ORDER BY seq`;

const PAGE = 2000;

/**
 * Refills both tables from the hazards and their history, in one write transaction (the chain lock: no change
 * lands meanwhile, and other nodes starting at once find the version set and do nothing). Returns whether it ran.
 */
export async function rebuildBriefingDays(driver: ChainDriver, tz: string, force = false): Promise<boolean> {
  return driver.write(async (tx) => {
    if (!force && (await getMeta(tx.query, META_KEY)) === BRIEFING_DAYS_VERSION) return { out: false, headSeq: null };
    for (const t of BRIEFING_TABLES) await tx.query(`DELETE FROM ${t}`);
    for (let after = ''; ;) {
      const page = await tx.query<LifeRow>(
        `SELECT id, region_code, sector, source, discovered_day, status, level, deadline, closed_day FROM hazards
         WHERE id > @after ORDER BY id LIMIT @limit`, { after, limit: PAGE });
      if (!page.length) break;
      const last = page[page.length - 1]!.id;
      const history = new Map<string, LifeChange[]>();
      for (const c of await tx.query<LifeChange & { hazard_id: string }>(
        `SELECT hazard_id, seq, at, payload FROM changes WHERE hazard_id > @after AND hazard_id <= @last AND kind <> 'reported'
         ORDER BY hazard_id, seq`, { after, last })) {
        (history.get(c.hazard_id) ?? history.set(c.hazard_id, []).get(c.hazard_id)!).push(c);
      }
      const diff = new CellDiff();
      for (const h of page) diff.add(contribution(lifeOf(h, history.get(h.id) ?? []), tz));
      await applyCells(tx.query, diff, driver.kind === 'sqlite' ? 1 : 64);
      if (page.length < PAGE) break;
      after = last;
    }
    const day = await getMeta(tx.query, 'day');
    if (day) await markPassedDays(tx.query, day);
    await tx.query(SET_META, { key: MARKS_META_KEY, value: BRIEFING_MARKS_VERSION });
    await tx.query(SET_META, { key: META_KEY, value: BRIEFING_DAYS_VERSION });
    return { out: true, headSeq: null };
  });
}
