/**
 * The briefing's reads, two ways that give the same briefing:
 * - `periodFactsFromDays` (what the server runs): sums over the per-day counts the store keeps (tables
 *   briefing_days, briefing_found, briefing_late and their marks, migration 013; server/briefing/days-store.ts),
 *   plus the few facts that need the history itself, each an indexed read: the closure times of the units that can
 *   raise fast_closure, the extensions of hazards extended repeatedly, and the province's listings.
 * - `periodFactsWith` (the scan, kept as the reference the aggregates are tested against): plain GROUP BY over the
 *   indexed day columns (discovered_day, closed_day), and the changes of the hazards that may have been open at
 *   the end of the period (their status, level and deadline are replayed in shared/briefing-count.ts).
 * Portable SQL: named parameters (@region, @from, @to), quoted camelCase aliases, no JSON functions (payloads are
 * parsed here), counts read with Number() — so a PostgreSQL store runs the same text through its own `query`.
 */
import type { Level, Sector, Source, Status } from '../../shared/domain';
import type { Closure, GroupRow, PeriodFacts, StateFacts, UnsettledHazard } from '../../shared/briefing';
import { countPeriod, type Acc } from '../../shared/briefing-count';
import { getRegion } from '../../shared/regions';
import { RULES } from '../../shared/briefing-flags';
import { addDays, DEFAULT_TZ, startOfDay } from '../../shared/time';
import type { ChangePayload } from './changes';
import { factsFromSums, type Axis, type DaySum, type NewSum } from '../briefing/daily';
import { cityOf } from '../briefing/days-store';

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

/** The period's new hazards closed by its end, with their times (the scan lists them all). */
const CLOSURES_SQL = (scope: string) =>
  `SELECT region_code AS "regionCode", sector, source, level, discovered_at AS "discoveredAt", closed_at AS "closedAt" FROM hazards
   WHERE discovered_day BETWEEN @from AND @to AND status = 'closed' AND closed_day <= @to ${scope}`;

/**
 * The facts that need the history, each an indexed read of few rows: the extensions of hazards extended
 * repeatedly (partial index hazards_extended, migration 013, then each one's changes) unless `need` is less than 'all', and the
 * listings recorded in the period (partial index changes_listing). CROSS JOIN keeps SQLite's loop in that order
 * (PostgreSQL plans it as an inner join).
 */
async function historyFacts(run: Query, p: Span, need: PeriodNeed = 'all'): Promise<Pick<PeriodFacts, 'extended' | 'provinceListed'>> {
  const scope = scopeSql(p.region).replace(/(city_code|region_code)/, 'h.$1');
  // the same test through COALESCE: SQLite then finds no other index on hazards than the partial one
  const unindexed = scopeSql(p.region).replace(/(city_code|region_code)/, "COALESCE(h.$1, '')");
  const query = <T>(sql: string) => run(sql, p) as Promise<T[]>;
  const [extensions, listed] = await Promise.all([
    // the times of every extension of a hazard extended repeatedly that was on the books in the period
    need !== 'all' ? Promise.resolve([] as ExtRow[]) : query<ExtRow>(
      `SELECT c.hazard_id AS id, h.region_code AS "regionCode", h.sector, c.at FROM hazards h CROSS JOIN changes c
       WHERE c.hazard_id = h.id AND c.kind = 'extension' AND h.extensions >= ${RULES.repeatedExtensions}
       AND COALESCE(h.discovered_day, '') <= @to AND h.status <> 'rejected' AND (h.closed_day IS NULL OR h.closed_day >= @from) ${unindexed}
       ORDER BY c.seq`),
    // every listing recorded in the period (a hazard discovered before it counts too); by whom is in the payload
    query<ListingRow>(
      `SELECT c.hazard_id AS id, c.payload, h.status, h.closed_day AS "closedDay" FROM changes c CROSS JOIN hazards h
       WHERE h.id = c.hazard_id AND c.kind = 'listing' AND c.at >= @fromAt AND c.at < @toAt AND h.status <> 'rejected' ${scope}
       ORDER BY c.seq`),
  ]);
  const extended = new Map<string, PeriodFacts['extended'][number]>();
  for (const e of extensions) {
    const x = extended.get(e.id) ?? { id: e.id, regionCode: e.regionCode, sector: e.sector, at: [] };
    x.at.push(e.at);
    extended.set(e.id, x);
  }
  return { extended: [...extended.values()], provinceListed: provinceListings(listed, p.to) };
}

/**
 * What a briefing reads of a period (shared/briefing-build.ts): everything for the current one (with the
 * closures' times where they can flag); for the previous one its counts by child, sector and source (the flags
 * compare them), not its extensions or closure times; for the one a year earlier and the campaign their totals
 * alone — by sector only, the source marginal is the same hazards again.
 */
export type PeriodNeed = 'all' | 'counts' | 'total';

type AxisRow = { regionCode: string; axis: Axis; code: string; level: Level } & Record<string, unknown>;
/**
 * The unit rows are summed by: the county (region_code), or for a province its cities (city_code) — the province's
 * briefing counts by child city, and by county only the new hazards of the current period (blind spots: `byCounty`,
 * from the sector rows). Hundreds of rows reach JavaScript instead of thousands.
 */
const BY_COUNTY_AND_CITY = "CASE WHEN axis = 'sector' THEN region_code ELSE city_code END";
function unitOf(region: string, sums: 'days' | 'new', need: PeriodNeed): string {
  if (getRegion(region)?.level !== 'province' && getRegion(region)) return 'region_code';
  return sums === 'new' && need === 'all' ? BY_COUNTY_AND_CITY : 'city_code';
}
const GROUP_BY = (unit: string) => `${unit}, axis, code, level`;
const DAY_SUMS = ['rejected', 'closed', 'books', 'open', 'overdue', 'rectified'] as const;
const NEW_SUMS = ['found', 'rectified', 'closed'] as const;
type Counts<K extends string> = AxisRow & Record<K, number>;
const keyOf = (r: Pick<AxisRow, 'regionCode' | 'axis' | 'code' | 'level'>) => `${r.regionCode}|${r.axis}|${r.code}|${r.level}`;

/**
 * A table's rows summed up to and including `day` (by day, or day of discovery), by axis key: the newest mark
 * on or before it and the days since (less than one mark's width of rows: days-store.ts markPassedDays).
 */
type PrefixTable = { rows: string; marks: string; day: string };
async function prefixSums<K extends string>(
  run: Query, t: PrefixTable, sums: readonly K[], region: string, day: string, axisSql: string, unit: string,
): Promise<Map<string, Counts<K>>> {
  const scope = scopeSql(region);
  const [m] = await run('SELECT MAX(mark_day) AS d FROM briefing_mark_days WHERE mark_day <= @day', { day }) as Array<{ d: string | null }>;
  const cols = `region_code, city_code, axis, code, level, ${sums.map((k) => `${k}_n`).join(', ')}`;
  const rows = await run(
    `SELECT ${unit} AS "regionCode", axis, code, level, ${sums.map((k) => `SUM(${k}_n) AS ${k}`).join(', ')} FROM (
       SELECT ${cols} FROM ${t.marks} WHERE mark_day = @mark ${axisSql} ${scope}
       UNION ALL SELECT ${cols} FROM ${t.rows} WHERE ${t.day} > @mark AND ${t.day} <= @day ${axisSql} ${scope}
     ) u GROUP BY ${GROUP_BY(unit)}`, { region, day, mark: m?.d ?? '' }) as AxisRow[];
  const out = new Map<string, Counts<K>>();
  for (const r of rows) {
    for (const k of sums) r[k] = Number(r[k]);
    out.set(keyOf(r), r as Counts<K>);
  }
  return out;
}
const DAYS_T = { rows: 'briefing_days', marks: 'briefing_day_marks', day: 'day' };
const FOUND_T = { rows: 'briefing_found', marks: 'briefing_found_marks', day: 'discovered_day' };

/**
 * The changes after `to` of hazards discovered in [from, to], by axis key: none for a period ending today; for a
 * past period, those of its own new hazards (one seek per day of discovery on the key's first two columns).
 */
async function lateSums(run: Query, region: string, from: string, to: string, axisSql: string, unit: string): Promise<AxisRow[]> {
  const params: Record<string, string> = { region, to };
  const days: string[] = [];
  for (let d = from, i = 0; d <= to; d = addDays(d, 1), i++) {
    params[`d${i}`] = d;
    days.push(`@d${i}`);
  }
  const rows = await run(
    `SELECT ${unit} AS "regionCode", axis, code, level, SUM(found_n) AS found, SUM(rectified_n) AS rectified, SUM(closed_n) AS closed
     FROM briefing_late WHERE discovered_day IN (${days.join(', ')}) AND day > @to ${axisSql} ${scopeSql(region)}
     GROUP BY ${GROUP_BY(unit)}`, params) as AxisRow[];
  for (const r of rows) for (const k of NEW_SUMS) r[k] = Number(r[k]);
  return rows;
}

/**
 * The closures of the period's new hazards (their times, for the time-to-close) in the units — the region and
 * its children, as the flags see them — whose share of closed new hazards can raise the fast-closure flag.
 */
async function flaggedClosures(run: Query, p: Span, facts: PeriodFacts, tz: string): Promise<Closure[]> {
  const counts = countPeriod(p.region, facts, tz);
  const can = (a: Acc) => a.new >= RULES.fastClosureMinSample && a.newClosed / a.new >= RULES.fastClosureShare;
  const units = can(counts.total) ? [p.region] : [...counts.byChild].filter(([, a]) => can(a)).map(([code]) => code);
  const out: Closure[] = [];
  for (const unit of units) {
    out.push(...await run(
CLOSURES_SQL(scopeSql(unit)), { ...p, region: unit }) as Closure[]);
  }
  return out;
}

/** The sums of a table up to and including `day`, of the axes `need` reads, by `unit` (prefixSums). */
type Prefix = <K extends string>(t: PrefixTable, sums: readonly K[], day: string, need: PeriodNeed, unit: string) => Promise<Map<string, Counts<K>>>;
const axisSqlOf = (need: PeriodNeed) => (need === 'total' ? "AND axis = 'sector'" : '');
const directPrefix = (run: Query, region: string): Prefix => (t, sums, day, need, unit) => prefixSums(run, t, sums, region, day, axisSqlOf(need), unit);

/**
 * The prefixes of several periods read once per table and day: a point is read with every axis and the finest
 * unit any period asks of it (a province's sector rows by county when one period needs them so), and each period
 * gets its own view summed from those rows — the sector rows by county summed to their city, the source axis left
 * out for a total.
 */
function sharedPrefix(run: Query, region: string, asks: ReadonlyArray<{ t: PrefixTable; day: string; need: PeriodNeed; unit: string }>): Prefix {
  const widest = new Map<string, { bothAxes: boolean; unit: string }>();
  for (const a of asks) {
    const k = `${a.t.rows}|${a.day}`;
    const w = widest.get(k) ?? widest.set(k, { bothAxes: false, unit: a.unit }).get(k)!;
    w.bothAxes ||= a.need !== 'total';
    if (a.unit === BY_COUNTY_AND_CITY) w.unit = a.unit;
  }
  const read = new Map<string, Promise<Map<string, Counts<string>>>>();
  return async <K extends string>(t: PrefixTable, sums: readonly K[], day: string, need: PeriodNeed, unit: string) => {
    const k = `${t.rows}|${day}`;
    const w = widest.get(k) ?? { bothAxes: need !== 'total', unit };
    let got = read.get(k);
    if (!got) read.set(k, (got = prefixSums(run, t, sums, region, day, w.bothAxes ? '' : axisSqlOf('total'), w.unit)));
    const rows = (await got) as Map<string, Counts<K>>;
    const byCity = w.unit === BY_COUNTY_AND_CITY && unit !== BY_COUNTY_AND_CITY;
    if (!byCity && (need !== 'total' || !w.bothAxes)) return rows;
    const out = new Map<string, Counts<K>>();
    for (const r of rows.values()) {
      if (need === 'total' && r.axis !== 'sector') continue;
      const regionCode = byCity && r.axis === 'sector' ? cityOf(r.regionCode) : r.regionCode;
      const key = keyOf({ ...r, regionCode });
      const s = out.get(key);
      if (!s) out.set(key, { ...r, regionCode });
      else for (const c of sums) (s as Record<string, number>)[c] = s[c] + r[c];
    }
    return out;
  };
}

/** The four periods of a briefing (shared/briefing-build.ts), each with what the briefing reads of it. */
export type BriefingPeriods = Record<'current' | 'previous' | 'yearAgo' | 'campaign', { from: string; to: string }>;
export type BriefingFacts = Record<keyof BriefingPeriods, PeriodFacts>;
const NEEDS: Record<keyof BriefingPeriods, PeriodNeed> = { current: 'all', previous: 'counts', yearAgo: 'total', campaign: 'total' };

/**
 * The four periods in one go (one snapshot when `run` is one): the previous period ends the day before the current
 * one starts and the campaign ends with it, so their prefix points are read once — 6 points of each table instead
 * of 16 reads for a briefing whose campaign began on the day a year earlier ended.
 */
export async function briefingFactsFromDays(run: Query, region: string, periods: BriefingPeriods, tz: string = DEFAULT_TZ): Promise<BriefingFacts> {
  const names = Object.keys(NEEDS) as Array<keyof BriefingPeriods>;
  const asks = names.flatMap((n) => {
    const { from, to } = periods[n];
    const need = NEEDS[n];
    const [dayUnit, newUnit] = [unitOf(region, 'days', need), unitOf(region, 'new', need)];
    return [to, addDays(from, -1)].flatMap((day) => [{ t: DAYS_T, day, need, unit: dayUnit }, { t: FOUND_T, day, need, unit: newUnit }]);
  });
  const prefix = sharedPrefix(run, region, asks);
  const facts = await Promise.all(names.map((n) => periodFactsFromDays(run, region, periods[n].from, periods[n].to, tz, NEEDS[n], prefix)));
  return Object.fromEntries(names.map((n, i) => [n, facts[i]!])) as BriefingFacts;
}

/**
 * A period from the per-day counts: the sums up to its end (what it ended with) less those up to the day before
 * it (its flows), the same two of its new hazards by day of discovery less their changes after its end, and the
 * history's few facts. `need`: what the briefing reads of this period (PeriodNeed).
 */
export async function periodFactsFromDays(
  run: Query, region: string, from: string, to: string, tz: string = DEFAULT_TZ, need: PeriodNeed = 'all',
  prefix: Prefix = directPrefix(run, region),
): Promise<PeriodFacts> {
  const p = spanOf(region, from, to, tz);
  const axisSql = axisSqlOf(need);
  const before = addDays(from, -1);
  const [dayUnit, newUnit] = [unitOf(region, 'days', need), unitOf(region, 'new', need)];
  const [atEnd, atStart, foundEnd, foundStart, late, history] = await Promise.all([
    prefix(DAYS_T, DAY_SUMS, to, need, dayUnit),
    prefix(DAYS_T, DAY_SUMS, before, need, dayUnit),
    prefix(FOUND_T, NEW_SUMS, to, need, newUnit),
    prefix(FOUND_T, NEW_SUMS, before, need, newUnit),
    lateSums(run, region, from, to, axisSql, newUnit),
    historyFacts(run, p, need),
  ]);
  const daySums: DaySum[] = [...atEnd.values()].map((e) => {
    const b = atStart.get(keyOf(e));
    return {
      regionCode: e.regionCode, axis: e.axis, code: e.code, level: e.level,
      rejected: e.rejected - (b?.rejected ?? 0), closedIn: e.closed - (b?.closed ?? 0), closedBy: e.closed,
      books: e.books, open: e.open, overdue: e.overdue, rectified: e.rectified,
    };
  });
  const newSums = new Map<string, NewSum>();
  const addNew = (r: Counts<(typeof NEW_SUMS)[number]>, sign: number) => {
    const k = keyOf(r);
    const s = newSums.get(k) ?? newSums.set(k, { regionCode: r.regionCode, axis: r.axis, code: r.code, level: r.level, found: 0, rectified: 0, closed: 0 }).get(k)!;
    s.found += sign * r.found;
    s.rectified += sign * r.rectified;
    s.closed += sign * r.closed;
  };
  for (const r of foundEnd.values()) addNew(r, 1);
  for (const r of foundStart.values()) addNew(r, -1);
  for (const r of late) addNew(r as Counts<(typeof NEW_SUMS)[number]>, -1);
  const facts: PeriodFacts = { from, to, ...factsFromSums(daySums, [...newSums.values()]), unsettled: [], closures: [], ...history };
  if (need === 'all') facts.flaggedClosures = await flaggedClosures(run, p, facts, tz);
  return facts;
}

export async function periodFactsWith(run: Query, region: string, from: string, to: string, tz: string = DEFAULT_TZ): Promise<PeriodFacts> {
  const scope = scopeSql(region);
  const p = spanOf(region, from, to, tz);
  const query = <T>(sql: string) => run(sql, p) as Promise<T[]>;
  const inPeriod = 'discovered_day BETWEEN @from AND @to';
  const [discovered, closed, closedBy, rejected, states, changes, closures, history] = await Promise.all([
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
    query<Closure>(CLOSURES_SQL(scope)),
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
    unsettled, closures, ...history,
  };
}
