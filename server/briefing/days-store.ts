/**
 * The per-day counts in the store (tables briefing_days and briefing_new, migration 012): written in the
 * transaction of every change the chain store applies (the difference of the hazard's contribution before and
 * after it, server/briefing/daily.ts), and rebuilt from the history when the meta key `briefing_days` is not
 * BRIEFING_DAYS_VERSION. Portable SQL over the driver port (server/hazards/chain-driver.ts).
 */
import { getRegion } from '../../shared/regions';
import type { StateChange, StateFacts } from '../../shared/briefing';
import type { Level, Sector, Source, Status } from '../../shared/domain';
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

/** Statements of 64, 8 and 1 rows: few enough shapes to stay prepared, few enough round trips for PostgreSQL. */
async function upsert(q: Query, t: Table, rows: readonly unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length;) {
    const size = rows.length - i >= 64 ? 64 : rows.length - i >= 8 ? 8 : 1;
    const params: Params = {};
    for (let r = 0; r < size; r++) rows[i + r]!.forEach((v, c) => (params[`r${r}c${c}`] = v));
    await q(sqlOf(t, size), params);
    i += size;
  }
}

/** Writes a difference of contributions (inside the change's transaction). */
export async function applyCells(q: Query, diff: CellDiff): Promise<void> {
  await upsert(q, DAYS, diff.dayCells().map((c) => DAYS.row(c as never)));
  await upsert(q, NEWS, diff.newCells().map((c) => NEWS.row(c as never)));
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
    await tx.query('DELETE FROM briefing_days');
    await tx.query('DELETE FROM briefing_new');
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
      await applyCells(tx.query, diff);
      if (page.length < PAGE) break;
      after = last;
    }
    await tx.query(SET_META, { key: META_KEY, value: BRIEFING_DAYS_VERSION });
    return { out: true, headSeq: null };
  });
}
