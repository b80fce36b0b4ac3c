/** The SQL of the list filters in the chain store's portable form (named parameters, chain-driver.ts). */
import { OPEN_STATUSES } from '../../shared/domain';
import { getRegion } from '../../shared/regions';
import type { ListFilter } from '../../shared/schemas';
import type { Params } from './chain-driver';
import type { Page, StoredHazard } from './hazards.repository';

/** Adds a value to the named parameters and returns its placeholder (`@f0`, `@f1`, …). */
const bind = (params: Params, v: unknown): string => {
  const name = `f${Object.keys(params).length}`;
  params[name] = v;
  return `@${name}`;
};

/**
 * 五落实缺项: a major hazard in rectification none of whose moves into rectification recorded a plan (a failed
 * acceptance sends it back without a new one: the first plan still stands). The payload is the JSON text the
 * chain hashed (no spaces); `"plan":{` with a bare quote can only be the plan's key, a text's quotes are escaped.
 */
export const PLAN_MISSING_SQL = `(hazards.level = 'major' AND hazards.status = 'rectifying' AND NOT EXISTS (
  SELECT 1 FROM changes pc WHERE pc.hazard_id = hazards.id AND pc.kind = 'transition' AND pc.payload LIKE '%"plan":{%'))`;

/** The hazards columns and whether the plan is missing, for reads that show a hazard. */
export const HAZARD_COLUMNS = `hazards.*, CASE WHEN ${PLAN_MISSING_SQL} THEN 1 ELSE 0 END AS plan_missing`;

export function filterSql(f: ListFilter, today: string): { where: string[]; params: Params } {
  const where: string[] = [];
  const params: Params = {};
  const p = (v: unknown) => bind(params, v);
  const region = f.region ? getRegion(f.region) : undefined;
  if (region?.level === 'city') where.push(`city_code = ${p(region.code)}`);
  if (region?.level === 'county') where.push(`region_code = ${p(region.code)}`);
  if (f.sector) where.push(`sector = ${p(f.sector)}`);
  if (f.level) where.push(`level = ${p(f.level)}`);
  if (f.status) where.push(`status = ${p(f.status)}`);
  if (f.source) where.push(`source = ${p(f.source)}`);
  const overdue = () => `status IN (${OPEN_STATUSES.map((s) => p(s)).join(', ')}) AND deadline IS NOT NULL AND deadline < ${p(today)}`;
  if (f.overdue === true) where.push(overdue());
  if (f.overdue === false) where.push(`NOT (${overdue()})`);
  if (f.listed === true) where.push('listed_by IS NOT NULL');
  if (f.listed === false) where.push('listed_by IS NULL');
  if (f.planMissing === true) where.push(PLAN_MISSING_SQL);
  if (f.planMissing === false) where.push(`NOT ${PLAN_MISSING_SQL}`);
  return { where, params };
}

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: string; id: string } | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return { at: v[0], id: v[1] };
  } catch {
    // an unreadable cursor is reported as a bad request by the caller
  }
  return null;
}

/**
 * Ordering and the cursor condition of a page. `newest`: discovery time descending; `deadline`: the
 * earliest deadline first (hazards without a deadline are left out), so the most overdue lead.
 */
export function pageSql(
  order: ListFilter['order'], cursor: string | undefined, params: Params,
): { where: string[]; orderBy: string; cursorOf: (h: StoredHazard) => string } {
  const p = (v: unknown) => bind(params, v);
  const after = cursor ? decodeCursor(cursor) : null;
  if (order === 'deadline') {
    return {
      where: ['deadline IS NOT NULL', ...(after ? [`(deadline > ${p(after.at)} OR (deadline = ${p(after.at)} AND id > ${p(after.id)}))`] : [])],
      orderBy: 'ORDER BY deadline ASC, id ASC',
      cursorOf: (h) => encodeCursor(h.deadline ?? '', h.id),
    };
  }
  return {
    where: after ? [`(discovered_at < ${p(after.at)} OR (discovered_at = ${p(after.at)} AND id < ${p(after.id)}))`] : [],
    orderBy: 'ORDER BY discovered_at DESC, id DESC',
    cursorOf: (h) => encodeCursor(h.discoveredAt, h.id),
  };
}

/** Every item of a paged list, page after page (for exports): the stores share it. */
export async function* everyPage(list: (cursor: string | undefined) => Promise<Page<StoredHazard>>): AsyncIterable<StoredHazard> {
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
