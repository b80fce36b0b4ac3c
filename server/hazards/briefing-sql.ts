/**
 * The briefing's reads: plain GROUP BY over the indexed day columns (discovered_day, closed_day), and the
 * changes of the hazards that may have been open at the end of the period. Portable SQL: named parameters
 * (@region, @from, @to), quoted camelCase aliases, no JSON functions (payloads are parsed here), counts read
 * with Number() — so a PostgreSQL store runs the same text through its own `query`.
 */
import type { Level, Sector, Source, Status } from '../../shared/domain';
import type { PeriodFacts, StateFacts, UnsettledHazard } from '../../shared/briefing';
import { getRegion } from '../../shared/regions';
import type { ChangePayload } from './changes';

/** Runs one SELECT with named parameters (@region, @from, @to) and returns its rows. */
export type Query = (sql: string, params: Record<string, string>) => Promise<unknown[]>;

/** The WHERE fragment that keeps a region's hazards (a city by city_code, a county by region_code). */
export function scopeSql(region: string): string {
  const r = getRegion(region);
  if (!r || r.level === 'province') return '';
  return r.level === 'city' ? 'AND city_code = @region' : 'AND region_code = @region';
}

/** Hazards on the books at the end of `to` and not closed by then: only these can have been open. */
const UNSETTLED = `discovered_day <= @to AND status <> 'rejected' AND (closed_day IS NULL OR closed_day > @to)`;

type N = { n: number | string };
type Grouped = N & { regionCode: string; sector: Sector };
type StateRow = { id: string; regionCode: string; sector: Sector; level: Level; status: Status; deadline: string | null; changed: unknown };
type ChangeRowLite = { hazardId: string; seq: number | string; at: string; payload: string };

const stateOf = (f: ChangePayload['before']): StateFacts | null =>
  f ? { status: f.status, level: f.level, deadline: f.deadline } : null;

const grouped = (rows: Grouped[]) => rows.map((r) => ({ regionCode: r.regionCode, sector: r.sector, n: Number(r.n) }));
const countSql = (where: string, scope: string) =>
  `SELECT region_code AS "regionCode", sector, COUNT(*) AS n FROM hazards WHERE ${where} ${scope} GROUP BY region_code, sector`;

export async function periodFactsWith(run: Query, region: string, from: string, to: string): Promise<PeriodFacts> {
  const scope = scopeSql(region);
  const p = { region, from, to };
  const query = <T>(sql: string, params: Record<string, string>) => run(sql, params) as Promise<T[]>;
  const [discovered, closed, onBooks, closedBy, states, changes, closures] = await Promise.all([
    query<Grouped & { source: Source; level: Level }>(
      `SELECT region_code AS "regionCode", sector, source, level, COUNT(*) AS n FROM hazards
       WHERE discovered_day BETWEEN @from AND @to AND status <> 'rejected' ${scope} GROUP BY region_code, sector, source, level`, p),
    query<Grouped>(countSql(`closed_day BETWEEN @from AND @to AND status = 'closed'`, scope), p),
    query<Grouped>(countSql(`discovered_day <= @to AND status <> 'rejected'`, scope), p),
    query<Grouped>(countSql(`closed_day <= @to AND status = 'closed'`, scope), p),
    query<StateRow>(
      `SELECT id, region_code AS "regionCode", sector, level, status, deadline, updated_seq > created_seq AS changed
       FROM hazards WHERE ${UNSETTLED} ${scope}`, p),
    // only hazards changed after they were reported have a history to replay
    query<ChangeRowLite>(
      `SELECT hazard_id AS "hazardId", seq, at, payload FROM changes
       WHERE kind <> 'reported' AND hazard_id IN (SELECT id FROM hazards WHERE ${UNSETTLED} AND updated_seq > created_seq ${scope})
       ORDER BY seq`, p),
    query<{ regionCode: string; discoveredAt: string; closedAt: string }>(
      `SELECT region_code AS "regionCode", discovered_at AS "discoveredAt", closed_at AS "closedAt" FROM hazards
       WHERE discovered_day BETWEEN @from AND @to AND status = 'closed' AND closed_day <= @to ${scope}`, p),
  ]);
  const history = new Map<string, UnsettledHazard['changes']>();
  for (const c of changes) {
    const payload = JSON.parse(c.payload) as ChangePayload;
    const list = history.get(c.hazardId) ?? [];
    list.push({ seq: Number(c.seq), at: c.at, before: stateOf(payload.before), after: stateOf(payload.after) });
    history.set(c.hazardId, list);
  }
  const unsettled: UnsettledHazard[] = states.map((h) => ({
    id: h.id, regionCode: h.regionCode, sector: h.sector,
    current: { status: h.status, level: h.level, deadline: h.deadline },
    changes: h.changed === true || Number(h.changed) === 1 ? history.get(h.id) ?? [] : [],
  }));
  return {
    from, to,
    discovered: discovered.map((r) => ({ regionCode: r.regionCode, sector: r.sector, source: r.source, level: r.level, n: Number(r.n) })),
    closed: grouped(closed), onBooks: grouped(onBooks), closedBy: grouped(closedBy), unsettled, closures,
  };
}
