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

/**
 * The WHERE terms of a list filter. Overdue is `open AND deadline < today`; when the filter names the status, that
 * is already decided, and the terms say only what is left of it (exactly the same rows), so that a list by deadline
 * can seek to `today` instead of passing over every earlier deadline.
 */
export function filterSql(f: ListFilter, today: string): { where: string[]; params: Params } {
  const where: string[] = [];
  const params: Params = {};
  const p = (v: unknown) => bind(params, v);
  const region = f.region ? getRegion(f.region) : undefined;
  if (region?.level === 'city') where.push(`city_code = ${p(region.code)}`);
  // a development zone reports as a county does, under its own code
  if (region?.level === 'county' || region?.level === 'zone') where.push(`region_code = ${p(region.code)}`);
  if (f.sector) where.push(`sector = ${p(f.sector)}`);
  if (f.level) where.push(`level = ${p(f.level)}`);
  if (f.status) where.push(`status = ${p(f.status)}`);
  if (f.source) where.push(`source = ${p(f.source)}`);
  if (f.overdue !== undefined) where.push(...overdueSql(f, p(today), p));
  if (f.listed === true) where.push('listed_by IS NOT NULL');
  if (f.listed === false) where.push('listed_by IS NULL');
  if (f.planMissing === true) where.push(PLAN_MISSING_SQL);
  if (f.planMissing === false) where.push(`NOT ${PLAN_MISSING_SQL}`);
  return { where, params };
}

function overdueSql(f: ListFilter, today: string, p: (v: unknown) => string): string[] {
  const byDeadline = f.order === 'deadline'; // pageSql adds `deadline IS NOT NULL`
  if (f.status !== undefined) {
    if (!OPEN_STATUSES.includes(f.status)) return f.overdue ? ['1 = 0'] : [];
    if (f.overdue) return [`deadline IS NOT NULL AND deadline < ${today}`];
    return [byDeadline ? `deadline >= ${today}` : `(deadline IS NULL OR deadline >= ${today})`];
  }
  const open = `status IN (${OPEN_STATUSES.map((s) => p(s)).join(', ')})`;
  if (f.overdue) return [`${open} AND deadline IS NOT NULL AND deadline < ${today}`];
  return [`NOT (${open} AND deadline IS NOT NULL AND deadline < ${today})`];
}

/**
 * The index a page is read in (migration 014): the one whose order is the list's, led by the region's column
 * when there is one, so that the first page stops after `limit` rows; the filters' columns are in each of them.
 * SQLite is told (INDEXED BY): without statistics its planner takes an equality on a leading column for ten rows
 * and would sort a whole city rather than walk it in order. PostgreSQL chooses by its own statistics.
 */
export function listIndex(f: ListFilter): string {
  const level = f.region ? getRegion(f.region)?.level : undefined;
  const county = level === 'county' || level === 'zone';
  if (f.order === 'deadline') return county ? 'hazards_list_region_deadline' : 'hazards_list_deadline';
  if (county) return 'hazards_list_region';
  return level === 'city' ? 'hazards_list_city' : 'hazards_list_newest';
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
 * earliest deadline first (hazards without a deadline are left out), so the most overdue lead. The cursor is a
 * row-value comparison (both stores read it as `a < x OR (a = x AND b < y)`), which both planners seek with in
 * the list's index; the spelled-out OR made SQLite walk a city's index from its start to the cursor.
 */
export function pageSql(
  order: ListFilter['order'], cursor: string | undefined, params: Params,
): { where: string[]; key: 'deadline' | 'discovered_at'; orderBy: (table: string) => string; cursorOf: (h: StoredHazard) => string } {
  const p = (v: unknown) => bind(params, v);
  const after = cursor ? decodeCursor(cursor) : null;
  if (order === 'deadline') {
    return {
      where: ['deadline IS NOT NULL', ...(after ? [`(deadline, id) > (${p(after.at)}, ${p(after.id)})`] : [])],
      key: 'deadline',
      orderBy: (t) => `ORDER BY ${t}.deadline ASC, ${t}.id ASC`,
      cursorOf: (h) => encodeCursor(h.deadline ?? '', h.id),
    };
  }
  return {
    where: after ? [`(discovered_at, id) < (${p(after.at)}, ${p(after.id)})`] : [],
    key: 'discovered_at',
    orderBy: (t) => `ORDER BY ${t}.discovered_at DESC, ${t}.id DESC`,
    cursorOf: (h) => encodeCursor(h.discoveredAt, h.id),
  };
}

/**
 * The statement of one page, in two steps: the ids of the page (and its order key), read in index order and
 * stopping after `limit` + 1 rows — every filter column is in the index (listIndex), so a row that does not match
 * costs no read of the row — then those rows whole, with 五落实缺项 worked out for them alone rather than for every
 * candidate. `driver`: the ChainDriver's kind; SQLite is told the index.
 */
export function listSql(filter: ListFilter, limit: number, cursor: string | undefined, today: string, driver: string) {
  const { where, params } = filterSql(filter, today);
  const page = pageSql(filter.order, cursor, params);
  where.push(...page.where);
  params.limit = limit + 1;
  const hint = driver === 'sqlite' ? ` INDEXED BY ${listIndex(filter)}` : '';
  const ids = `SELECT hazards.id, hazards.${page.key} FROM hazards${hint}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ${page.orderBy('hazards')} LIMIT @limit`;
  // ordered by the page's own columns: ordering by the hazards' would let the planner walk the whole index for it
  const sql = `SELECT ${HAZARD_COLUMNS} FROM (${ids}) page JOIN hazards ON hazards.id = page.id ${page.orderBy('page')}`;
  return { sql, ids, params, cursorOf: page.cursorOf };
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
