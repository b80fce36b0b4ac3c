/**
 * The briefing's reads, two ways that give the same briefing:
 * - `periodFactsFromDays` (what the server runs): sums over the per-day counts the store keeps (tables
 *   briefing_days and briefing_new, server/briefing/daily.ts), plus the few facts that need the history itself,
 *   each an indexed read: the closures of the period's new hazards (their times, for the time-to-close), the
 *   extensions of hazards extended repeatedly, and the province's listings.
 * - `periodFactsWith` (the scan, kept as the reference the aggregates are tested against): plain GROUP BY over the
 *   indexed day columns (discovered_day, closed_day), and the changes of the hazards that may have been open at
 *   the end of the period (their status, level and deadline are replayed in shared/briefing-count.ts).
 * Portable SQL: named parameters (@region, @from, @to), quoted camelCase aliases, no JSON functions (payloads are
 * parsed here), counts read with Number() — so a PostgreSQL store runs the same text through its own `query`.
 */
import type { Level, Sector, Source, Status } from '../../shared/domain';
import type { GroupRow, PeriodFacts, StateFacts, UnsettledHazard } from '../../shared/briefing';
import { getRegion } from '../../shared/regions';
import { RULES } from '../../shared/briefing-flags';
import { addDays, DEFAULT_TZ, startOfDay } from '../../shared/time';
import type { ChangePayload } from './changes';
import { factsFromSums, type DaySum, type NewSum } from '../briefing/daily';

/** Runs one SELECT with named parameters (@region, @from, @to) and returns its rows. */
export type Query = (sql: string, params: Record<string, string>) => Promise<unknown[]>;

/** The WHERE fragment that keeps a region's hazards (a city by city_code, a county or zone by region_code). */
export function scopeSql(region: string): string {
  const r = getRegion(region);
  if (!r || r.level === 'province') return '';
  return r.level === 'city' ? 'AND city_code = @region' : 'AND region_code = @region';
}

/** Hazards on the books at the end of `to` and not closed by then: only these can have been open. */
const UNSETTLED = `discovered_day <= @to AND status <> 'rejected' AND (closed_day IS NULL OR closed_day > @to)`;

type N = { n: number | string };
type Grouped = N & { regionCode: string; sector: Sector; source: Source; level: Level };
type StateRow = {
  id: string; regionCode: string; sector: Sector; source: Source; discoveredDay: string;
  level: Level; status: Status; deadline: string | null; changed: unknown;
};
type ChangeRowLite = { hazardId: string; seq: number | string; at: string; payload: string };
type ClosureRow = { regionCode: string; sector: Sector; source: Source; level: Level; discoveredAt: string; closedAt: string };
type ExtRow = { id: string; regionCode: string; sector: Sector; at: string };
/** A listing change of a hazard not rejected: who listed it (in the payload), and whether it is closed by the end. */
export type ListingRow = { id: string; payload: string; status: Status; closedDay: string | null };

/**
 * 省级挂牌督办 over a period, from the history: every hazard the province listed in it (a `listing` change with
 * `data.by = 'province'` recorded in the period), once however often it was listed, whether or not the listing was
 * lifted later; and of those, the ones closed (已销号) by the end of `to`.
 */
export function provinceListings(rows: readonly ListingRow[], to: string): PeriodFacts['provinceListed'] {
  const listed = new Map<string, boolean>();
  for (const r of rows) {
    if ((JSON.parse(r.payload) as ChangePayload).data.by !== 'province') continue;
    listed.set(r.id, r.status === 'closed' && r.closedDay !== null && r.closedDay <= to);
  }
  return { listed: listed.size, closed: [...listed.values()].filter(Boolean).length };
}

const stateOf = (f: ChangePayload['before']): StateFacts | null =>
  f ? { status: f.status, level: f.level, deadline: f.deadline } : null;

const grouped = (rows: Grouped[]): GroupRow[] =>
  rows.map((r) => ({ regionCode: r.regionCode, sector: r.sector, source: r.source, level: r.level, n: Number(r.n) }));
const countSql = (where: string, scope: string) =>
  `SELECT region_code AS "regionCode", sector, source, level, COUNT(*) AS n FROM hazards WHERE ${where} ${scope}
   GROUP BY region_code, sector, source, level`;
const truthy = (v: unknown): boolean => v === true || Number(v) === 1;

function historyOf(changes: ChangeRowLite[]): Map<string, UnsettledHazard['changes']> {
  const history = new Map<string, UnsettledHazard['changes']>();
  for (const c of changes) {
    const payload = JSON.parse(c.payload) as ChangePayload;
    const list = history.get(c.hazardId) ?? [];
    list.push({ seq: Number(c.seq), at: c.at, before: stateOf(payload.before), after: stateOf(payload.after) });
    history.set(c.hazardId, list);
  }
  return history;
}

type Span = { region: string; from: string; to: string; fromAt: string; toAt: string };
const spanOf = (region: string, from: string, to: string, tz: string): Span =>
  // changes carry a moment (UTC, ISO), not a day: the period's days in TZ_REGION as [fromAt, toAt)
  ({ region, from, to, fromAt: new Date(startOfDay(from, tz)).toISOString(), toAt: new Date(startOfDay(addDays(to, 1), tz)).toISOString() });

/** The facts that need the history: each hazard's times or its changes, few rows, indexed reads. */
async function historyFacts(run: Query, p: Span): Promise<Pick<PeriodFacts, 'closures' | 'extended' | 'provinceListed'>> {
  const scope = scopeSql(p.region);
  const query = <T>(sql: string) => run(sql, p) as Promise<T[]>;
  const [closures, extensions, listed] = await Promise.all([
    query<ClosureRow>(
      `SELECT region_code AS "regionCode", sector, source, level, discovered_at AS "discoveredAt", closed_at AS "closedAt" FROM hazards
       WHERE discovered_day BETWEEN @from AND @to AND status = 'closed' AND closed_day <= @to ${scope}`),
    // the times of every extension of a hazard extended repeatedly that was on the books in the period
    query<ExtRow>(
      `SELECT c.hazard_id AS id, h.region_code AS "regionCode", h.sector, c.at FROM changes c JOIN hazards h ON h.id = c.hazard_id
       WHERE c.kind = 'extension' AND h.extensions >= ${RULES.repeatedExtensions} AND h.discovered_day <= @to AND h.status <> 'rejected'
       AND (h.closed_day IS NULL OR h.closed_day >= @from) ${scope.replace(/(city_code|region_code)/, 'h.$1')} ORDER BY c.seq`),
    // every listing recorded in the period (a hazard discovered before it counts too); by whom is in the payload
    query<ListingRow>(
      `SELECT c.hazard_id AS id, c.payload, h.status, h.closed_day AS "closedDay" FROM changes c JOIN hazards h ON h.id = c.hazard_id
       WHERE c.kind = 'listing' AND c.at >= @fromAt AND c.at < @toAt AND h.status <> 'rejected'
       ${scope.replace(/(city_code|region_code)/, 'h.$1')} ORDER BY c.seq`),
  ]);
  const extended = new Map<string, PeriodFacts['extended'][number]>();
  for (const e of extensions) {
    const x = extended.get(e.id) ?? { id: e.id, regionCode: e.regionCode, sector: e.sector, at: [] };
    x.at.push(e.at);
    extended.set(e.id, x);
  }
  return { closures, extended: [...extended.values()], provinceListed: provinceListings(listed, p.to) };
}

type Sums = Pick<DaySum, 'regionCode' | 'sector' | 'source' | 'level'> & Record<string, unknown>;
const KEY_COLUMNS = `region_code AS "regionCode", sector, source, level`;
const DAY_COLUMNS = 'region_code, city_code, sector, source, level, rejected_n, closed_n, books_n, open_n, overdue_n, rectified_n';
type Prefix = { rejected: number; closed: number; books: number; open: number; overdue: number; rectified: number };

/** The day cells summed up to and including `day`, by key: the newest month mark before it and the days since. */
async function prefixSums(run: Query, region: string, day: string): Promise<Map<string, Sums & Prefix>> {
  const out = new Map<string, Sums & Prefix>();
  const scope = scopeSql(region);
  const [m] = await run('SELECT MAX(mark_day) AS d FROM briefing_mark_days WHERE mark_day <= @day', { day }) as Array<{ d: string | null }>;
  const rows = await run(
    `SELECT ${KEY_COLUMNS}, SUM(rejected_n) AS rejected, SUM(closed_n) AS closed, SUM(books_n) AS books, SUM(open_n) AS open,
       SUM(overdue_n) AS overdue, SUM(rectified_n) AS rectified FROM (
       SELECT ${DAY_COLUMNS} FROM briefing_marks WHERE mark_day = @mark ${scope}
       UNION ALL SELECT ${DAY_COLUMNS} FROM briefing_days WHERE day > @mark AND day <= @day ${scope}
     ) u GROUP BY region_code, sector, source, level`, { region, day, mark: m?.d ?? '' }) as Sums[];
  for (const r of rows) {
    out.set(`${r.regionCode}|${r.sector}|${r.source}|${r.level}`, {
      regionCode: r.regionCode, sector: r.sector, source: r.source, level: r.level,
      rejected: Number(r.rejected), closed: Number(r.closed), books: Number(r.books), open: Number(r.open), overdue: Number(r.overdue), rectified: Number(r.rectified),
    });
  }
  return out;
}

/**
 * A period from the per-day counts: the sums up to its end (what it ended with) less those up to the day
 * before it (its flows), the new hazards' cells of its days, and the history's few facts.
 */
export async function periodFactsFromDays(run: Query, region: string, from: string, to: string, tz: string = DEFAULT_TZ): Promise<PeriodFacts> {
  const scope = scopeSql(region);
  const p = spanOf(region, from, to, tz);
  const [atEnd, before, news, history] = await Promise.all([
    prefixSums(run, region, to),
    prefixSums(run, region, addDays(from, -1)),
    run(`SELECT ${KEY_COLUMNS}, SUM(found_n) AS found, SUM(rectified_n) AS rectified
         FROM briefing_new WHERE discovered_day BETWEEN @from AND @to AND day <= @to ${scope}
         GROUP BY region_code, sector, source, level`, p) as Promise<Sums[]>,
    historyFacts(run, p),
  ]);
  const daySums: DaySum[] = [...atEnd].map(([k, e]) => {
    const b = before.get(k);
    return {
      regionCode: e.regionCode, sector: e.sector, source: e.source, level: e.level,
      rejected: e.rejected - (b?.rejected ?? 0), closedIn: e.closed - (b?.closed ?? 0), closedBy: e.closed,
      books: e.books, open: e.open, overdue: e.overdue, rectified: e.rectified,
    };
  });
  const newSums: NewSum[] = news.map((r) => ({ regionCode: r.regionCode, sector: r.sector, source: r.source, level: r.level, found: Number(r.found), rectified: Number(r.rectified) }));
  return { from, to, ...factsFromSums(daySums, newSums), unsettled: [], ...history };
}

export async function periodFactsWith(run: Query, region: string, from: string, to: string, tz: string = DEFAULT_TZ): Promise<PeriodFacts> {
  const scope = scopeSql(region);
  const p = spanOf(region, from, to, tz);
  const query = <T>(sql: string) => run(sql, p) as Promise<T[]>;
  const inPeriod = 'discovered_day BETWEEN @from AND @to';
  const [discovered, closed, closedBy, rejected, states, changes, history] = await Promise.all([
    query<Grouped>(countSql(`${inPeriod} AND status <> 'rejected'`, scope)),
    query<Grouped>(countSql(`closed_day BETWEEN @from AND @to AND status = 'closed'`, scope)),
    query<Grouped>(countSql(`closed_day <= @to AND status = 'closed'`, scope)),
    query<Grouped>(countSql(`${inPeriod} AND status = 'rejected'`, scope)),
    query<StateRow>(
      `SELECT id, region_code AS "regionCode", sector, source, discovered_day AS "discoveredDay", level, status, deadline,
       updated_seq > created_seq AS changed FROM hazards WHERE ${UNSETTLED} ${scope}`),
    // only hazards changed after they were reported have a history to replay
    query<ChangeRowLite>(
      `SELECT hazard_id AS "hazardId", seq, at, payload FROM changes
       WHERE kind <> 'reported' AND hazard_id IN (SELECT id FROM hazards WHERE ${UNSETTLED} AND updated_seq > created_seq ${scope})
       ORDER BY seq`),
    historyFacts(run, p),
  ]);
  const changesOf = historyOf(changes);
  const unsettled: UnsettledHazard[] = states.map((h) => ({
    id: h.id, regionCode: h.regionCode, sector: h.sector, source: h.source, discoveredDay: h.discoveredDay,
    current: { status: h.status, level: h.level, deadline: h.deadline },
    changes: truthy(h.changed) ? changesOf.get(h.id) ?? [] : [],
  }));
  return {
    from, to,
    discovered: grouped(discovered), closed: grouped(closed), closedBy: grouped(closedBy), rejected: grouped(rejected),
    unsettled, ...history,
  };
}
