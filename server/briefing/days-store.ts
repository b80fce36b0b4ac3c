/**
 * The per-day counts in the store (tables briefing_days and briefing_new, migration 012): written in the
 * transaction of every change the chain store applies (the difference of the hazard's contribution before and
 * after it, server/briefing/daily.ts), and rebuilt from the history when the meta key `briefing_days` is not
 * BRIEFING_DAYS_VERSION. Portable SQL over the driver port (server/hazards/chain-driver.ts).
 */
import { getRegion } from '../../shared/regions';
import type { StateChange, StateFacts } from '../../shared/briefing';
import type { Level, Sector, Source, Status } from '../../shared/domain';
import { addDays } from '../../shared/time';
import type { ChainDriver, Params, Query } from '../hazards/chain-driver';
import type { ChangePayload } from '../hazards/changes';
import { getMeta, SET_META } from '../hazards/chain-head';
import { CellDiff, contribution, type DayCell, type HazardLife, type NewCell } from './daily';

/** Raise when contribution() changes meaning: every store then rebuilds its counts at the next start. */
export const BRIEFING_DAYS_VERSION = '1';
const META_KEY = 'briefing_days';

const cityOf = (regionCode: string): string => {
  const r = getRegion(regionCode);
  return r?.level === 'city' || !r?.parent ? regionCode : r.parent;
};

type Table = { name: string; key: readonly string[]; counts: readonly string[]; row: (c: never) => unknown[] };
const DAYS: Table = {
  name: 'briefing_days',
  key: ['day', 'region_code', 'sector', 'source', 'level'],
  counts: ['rejected_n', 'closed_n', 'books_n', 'open_n', 'overdue_n', 'rectified_n'],
  row: (c: DayCell) => [c.day, c.regionCode, c.sector, c.source, c.level, cityOf(c.regionCode), c.rejected, c.closed, c.books, c.open, c.overdue, c.rectified],
};
const NEWS: Table = {
  name: 'briefing_new',
  key: ['discovered_day', 'day', 'region_code', 'sector', 'source', 'level'],
  counts: ['found_n', 'rectified_n'],
  row: (c: NewCell) => [c.discoveredDay, c.day, c.regionCode, c.sector, c.source, c.level, cityOf(c.regionCode), c.found, c.rectified],
};

/** `size` rows of one upsert that adds its counts to the row already there. */
function upsertSql(t: Table, size: number): string {
  const cols = [...t.key, 'city_code', ...t.counts];
  const values = Array.from({ length: size }, (_, i) => `(${cols.map((_, j) => `@r${i}c${j}`).join(', ')})`).join(', ');
  return `INSERT INTO ${t.name} (${cols.join(', ')}) VALUES ${values}
    ON CONFLICT (${t.key.join(', ')}) DO UPDATE SET ${t.counts.map((c) => `${c} = ${t.name}.${c} + excluded.${c}`).join(', ')}`;
}
const SQL = new Map<string, string>();
const sqlOf = (t: Table, size: number) => SQL.get(`${t.name}${size}`) ?? SQL.set(`${t.name}${size}`, upsertSql(t, size)).get(`${t.name}${size}`)!;

/** `r{row}c{column}`: the upserts' parameter names, built once. */
const NAMES = Array.from({ length: 64 }, (_, r) => Array.from({ length: 12 }, (_, c) => `r${r}c${c}`));

/**
 * Statements of `most` (64), 8 and 1 rows: few shapes, so they stay prepared; few round trips for PostgreSQL.
 * SQLite gets `most` = 1: one prepared upsert per cell is cheaper in-process than binding wide statements.
 */
async function upsert(q: Query, t: Table, rows: readonly unknown[][], most: number): Promise<void> {
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

const DAY_COLS = DAYS.counts.join(', ');
const GROUP_COLS = 'region_code, city_code, sector, source, level';

/** The newest month mark (at most `atMost`), '' when there is none. */
export async function lastMark(q: Query, atMost?: string): Promise<string> {
  const [r] = await q<{ d: string | null }>(
    `SELECT MAX(mark_day) AS d FROM briefing_mark_days ${atMost ? 'WHERE mark_day <= @atMost' : ''}`, atMost ? { atMost } : {});
  return r?.d ?? '';
}

/** A day cell's counts added to every mark on or after its day (a change dated in a month already marked). */
const MARK_SQL = `INSERT INTO briefing_marks (mark_day, ${GROUP_COLS}, ${DAY_COLS})
  SELECT mark_day, @region, @city, @sector, @source, @level, ${DAYS.counts.map((c) => `CAST(@${c} AS BIGINT)`).join(', ')}
  FROM briefing_mark_days WHERE mark_day >= @day
  ON CONFLICT (mark_day, region_code, sector, source, level) DO UPDATE SET
  ${DAYS.counts.map((c) => `${c} = briefing_marks.${c} + excluded.${c}`).join(', ')}`;

/** Writes a difference of contributions (inside the change's transaction), marks included. */
export async function applyCells(q: Query, diff: CellDiff, rowsPerStatement = 64): Promise<void> {
  const days = diff.dayCells();
  await upsert(q, DAYS, days.map((c) => DAYS.row(c as never)), rowsPerStatement);
  await upsert(q, NEWS, diff.newCells().map((c) => NEWS.row(c as never)), rowsPerStatement);
  // most changes are of today, after every mark: only a change dated back costs more
  const mark = days.length ? await lastMark(q) : '';
  for (const c of days) {
    if (c.day > mark) continue;
    await q(MARK_SQL, {
      day: c.day, region: c.regionCode, city: cityOf(c.regionCode), sector: c.sector, source: c.source, level: c.level,
      rejected_n: c.rejected, closed_n: c.closed, books_n: c.books, open_n: c.open, overdue_n: c.overdue, rectified_n: c.rectified,
    });
  }
}

/** The last days of the months that end after `after` and before `before`. */
export function monthEnds(after: string, before: string): string[] {
  const out: string[] = [];
  let [y, m] = after.split('-').map(Number) as [number, number];
  for (;;) {
    const end = addDays(`${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-01`, -1);
    if (end >= before) return out;
    if (end > after) out.push(end);
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
  }
}

/**
 * Marks every month that ended before `day` and is not marked yet, each as the previous mark plus that month's
 * days (at each day turn, and after a rebuild): a sum up to any day then reads one mark and at most a month.
 */
export async function markMonths(q: Query, day: string): Promise<void> {
  let prev = await lastMark(q);
  const [first] = await q<{ d: string | null }>('SELECT MIN(day) AS d FROM briefing_days');
  if (!first?.d) return;
  for (const mark of monthEnds(prev || addDays(first.d, -1), day)) {
    await q(
      `INSERT INTO briefing_marks (mark_day, ${GROUP_COLS}, ${DAY_COLS})
       SELECT @mark, ${GROUP_COLS}, ${DAYS.counts.map((c) => `SUM(${c})`).join(', ')} FROM (
         SELECT ${GROUP_COLS}, ${DAY_COLS} FROM briefing_marks WHERE mark_day = @prev
         UNION ALL SELECT ${GROUP_COLS}, ${DAY_COLS} FROM briefing_days WHERE day > @prev AND day <= @mark
       ) u GROUP BY ${GROUP_COLS}`, { mark, prev });
    await q('INSERT INTO briefing_mark_days (mark_day) VALUES (@mark)', { mark });
    prev = mark;
  }
}

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
    for (const t of ['briefing_days', 'briefing_new', 'briefing_marks', 'briefing_mark_days']) await tx.query(`DELETE FROM ${t}`);
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
    if (day) await markMonths(tx.query, day);
    await tx.query(SET_META, { key: META_KEY, value: BRIEFING_DAYS_VERSION });
    return { out: true, headSeq: null };
  });
}
