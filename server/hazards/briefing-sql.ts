/**
 * The briefing's reads: plain GROUP BY over the indexed day columns (discovered_day, closed_day), and the
 * changes of the hazards that may have been open at the end of the period. Portable SQL: named parameters
 * only, no JSON functions (payloads are parsed here), so the PostgreSQL store can run the same text.
 */
import type Database from 'better-sqlite3';
import type { Level, Sector, Status } from '../../shared/domain';
import type { CountRow, NewRow, PeriodFacts, StateFacts, UnsettledHazard } from '../../shared/briefing';
import { getRegion } from '../../shared/regions';
import type { ChangePayload } from './changes';

/** The WHERE fragment that keeps a region's hazards (a city by city_code, a county by region_code). */
export function scopeSql(region: string): string {
  const r = getRegion(region);
  if (!r || r.level === 'province') return '';
  return r.level === 'city' ? 'AND city_code = @region' : 'AND region_code = @region';
}

/** Hazards on the books at the end of `to` and not closed by then: only these can have been open. */
const UNSETTLED = `discovered_day <= @to AND status <> 'rejected' AND (closed_day IS NULL OR closed_day > @to)`;

type StateRow = { id: string; regionCode: string; sector: Sector; level: Level; status: Status; deadline: string | null };
type ChangeRowLite = { hazardId: string; seq: number; at: string; payload: string };

const stateOf = (f: ChangePayload['before']): StateFacts | null =>
  f ? { status: f.status, level: f.level, deadline: f.deadline } : null;

/** Runs one of the queries below with its named parameters (@region, @from, @to): each store in its own dialect. */
export type PeriodQuery = <T>(sql: string, params: { region: string; from: string; to: string }) => Promise<T[]> | T[];

export function sqlitePeriodFacts(db: Database.Database, region: string, from: string, to: string): Promise<PeriodFacts> {
  return periodFactsWith((sql, p) => db.prepare(sql).all(p) as never[], region, from, to);
}

/** The same queries and assembly for every store (the PostgreSQL store passes its own `query`). */
export async function periodFactsWith(query: PeriodQuery, region: string, from: string, to: string): Promise<PeriodFacts> {
  const scope = scopeSql(region);
  const p = { region, from, to };
  const all = async <T>(sql: string): Promise<T[]> => query<T>(sql, p);
  const discovered = await all<NewRow>(
    `SELECT region_code AS regionCode, sector, source, level, COUNT(*) AS n FROM hazards
     WHERE discovered_day BETWEEN @from AND @to AND status <> 'rejected' ${scope} GROUP BY region_code, sector, source, level`,
  );
  const closed = await all<CountRow>(
    `SELECT region_code AS regionCode, sector, COUNT(*) AS n FROM hazards
     WHERE closed_day BETWEEN @from AND @to AND status = 'closed' ${scope} GROUP BY region_code, sector`,
  );
  const onBooks = await all<CountRow>(
    `SELECT region_code AS regionCode, sector, COUNT(*) AS n FROM hazards
     WHERE discovered_day <= @to AND status <> 'rejected' ${scope} GROUP BY region_code, sector`,
  );
  const closedBy = await all<CountRow>(
    `SELECT region_code AS regionCode, sector, COUNT(*) AS n FROM hazards
     WHERE closed_day <= @to AND status = 'closed' ${scope} GROUP BY region_code, sector`,
  );
  const states = await all<StateRow & { changed: number }>(
    `SELECT id, region_code AS regionCode, sector, level, status, deadline, updated_seq > created_seq AS changed
     FROM hazards WHERE ${UNSETTLED} ${scope}`,
  );
  // only hazards changed after they were reported have a history to replay
  const changes = await all<ChangeRowLite>(
    `SELECT hazard_id AS hazardId, seq, at, payload FROM changes
     WHERE kind <> 'reported' AND hazard_id IN (SELECT id FROM hazards WHERE ${UNSETTLED} AND updated_seq > created_seq ${scope})
     ORDER BY seq`,
  );
  const history = new Map<string, UnsettledHazard['changes']>();
  for (const c of changes) {
    const payload = JSON.parse(c.payload) as ChangePayload;
    const list = history.get(c.hazardId) ?? [];
    list.push({ seq: c.seq, at: c.at, before: stateOf(payload.before), after: stateOf(payload.after) });
    history.set(c.hazardId, list);
  }
  const unsettled: UnsettledHazard[] = states.map((h) => ({
    id: h.id, regionCode: h.regionCode, sector: h.sector,
    current: { status: h.status, level: h.level, deadline: h.deadline },
    changes: h.changed ? history.get(h.id) ?? [] : [],
  }));
  const closures = await all<{ regionCode: string; discoveredAt: string; closedAt: string }>(
    `SELECT region_code AS regionCode, discovered_at AS discoveredAt, closed_at AS closedAt FROM hazards
     WHERE discovered_day BETWEEN @from AND @to AND status = 'closed' AND closed_day <= @to ${scope}`,
  );
  return { from, to, discovered, closed, onBooks, closedBy, unsettled, closures };
}
