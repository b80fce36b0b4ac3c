/**
 * The per-day counts behind briefings (`daily_counts`, docs/ARCHITECTURE.md "Briefings from daily aggregates"):
 * kept in the transaction of every change — a hazard's old contribution (server/briefing/daily.ts) replaced by
 * its new one — filled from the history when a store first opens with the table empty, and read as sums over
 * days. Portable SQL over the driver port (SQLite and PostgreSQL).
 */
import type { CountRow, NewRow, PeriodFacts } from '../../shared/briefing';
import type { Level, Sector, Source } from '../../shared/domain';
import { getRegion } from '../../shared/regions';
import { contribution, type DailyCell, type HazardLife } from '../briefing/daily';
import { scopeSql } from './briefing-sql';
import type { ChainDriver, Params, Query } from './chain-driver';
import { getMeta, SET_META } from './chain-head';
import type { ChangePayload } from './changes';
import type { DailyRow } from './hazards.repository';

const KEYS = ['new', 'newMajor', 'closed', 'open', 'overdue'] as const;
const cityOf = (regionCode: string) => {
  const r = getRegion(regionCode);
  return r?.level === 'county' ? r.parent! : regionCode;
};

/** Cells summed by key; `sign` −1 takes a contribution away. */
export class CellSum {
  private readonly cells = new Map<string, DailyCell>();

  add(cells: readonly DailyCell[], sign: 1 | -1 = 1): this {
    for (const c of cells) {
      const k = `${c.day}|${c.regionCode}|${c.sector}|${c.level}|${c.source}`;
      let s = this.cells.get(k);
      if (!s) this.cells.set(k, (s = { ...c, new: 0, newMajor: 0, closed: 0, open: 0, overdue: 0 }));
      for (const key of KEYS) s[key] += sign * c[key];
    }
    return this;
  }

  /** Adds every non-zero cell to the table, 200 rows per statement. */
  async write(q: Query): Promise<void> {
    const rows = [...this.cells.values()].filter((c) => KEYS.some((k) => c[k] !== 0));
    for (let i = 0; i < rows.length; i += 200) {
      const params: Params = {};
      const values = rows.slice(i, i + 200).map((c, j) => {
        Object.assign(params, {
          [`d${j}`]: c.day, [`r${j}`]: c.regionCode, [`c${j}`]: cityOf(c.regionCode), [`s${j}`]: c.sector, [`l${j}`]: c.level, [`o${j}`]: c.source,
          [`n${j}`]: c.new, [`m${j}`]: c.newMajor, [`x${j}`]: c.closed, [`p${j}`]: c.open, [`v${j}`]: c.overdue,
        });
        return `(@d${j}, @r${j}, @c${j}, @s${j}, @l${j}, @o${j}, @n${j}, @m${j}, @x${j}, @p${j}, @v${j})`;
      });
      await q(
        `INSERT INTO daily_counts (day, region_code, city_code, sector, level, source, new_count, major_count, closed_count, open_delta, overdue_delta)
         VALUES ${values.join(', ')}
         ON CONFLICT (day, region_code, sector, level, source) DO UPDATE SET new_count = daily_counts.new_count + excluded.new_count,
           major_count = daily_counts.major_count + excluded.major_count, closed_count = daily_counts.closed_count + excluded.closed_count,
           open_delta = daily_counts.open_delta + excluded.open_delta, overdue_delta = daily_counts.overdue_delta + excluded.overdue_delta`,
        params,
      );
    }
  }
}

type LifeRow = {
  id: string; region_code: string; sector: Sector; source: Source; level: Level; status: HazardLife['current']['status'];
  deadline: string | null; discovered_day: string; closed_day: string | null;
};
type ChangeLite = { hazard_id: string; seq: number | string; at: string; payload: string };

export function lifeOf(h: LifeRow, changes: readonly ChangeLite[]): HazardLife {
  return {
    id: h.id, regionCode: h.region_code, sector: h.sector, source: h.source, discoveredDay: h.discovered_day,
    current: { status: h.status, level: h.level, deadline: h.deadline }, closedDay: h.closed_day,
    changes: changes.map((c) => {
      const p = JSON.parse(c.payload) as ChangePayload;
      const state = (f: ChangePayload['before']) => (f ? { status: f.status, level: f.level, deadline: f.deadline } : null);
      return { seq: Number(c.seq), at: c.at, before: state(p.before), after: state(p.after) };
    }),
  };
}

export const LIFE_COLUMNS = 'id, region_code, sector, source, level, status, deadline, discovered_day, closed_day';

/** The hazard's changes after `reported`, in order. */
export const changesOf = (q: Query, id: string) =>
  q<ChangeLite>("SELECT hazard_id, seq, at, payload FROM changes WHERE hazard_id = @id AND kind <> 'reported' ORDER BY seq", { id });

const REBUILT = 'daily_counts';
const PAGE = 2000;

/** Fills the table from the history once (a store that predates it); under the chain lock, so one node does it. */
export async function ensureDailyCounts(driver: ChainDriver, tz: string): Promise<boolean> {
  if ((await getMeta(driver.query, REBUILT)) === 'v1') return false;
  await driver.write(async (tx) => {
    if ((await getMeta(tx.query, REBUILT)) === 'v1') return { out: undefined, headSeq: null };
    await tx.query('DELETE FROM daily_counts');
    let after = '';
    for (;;) {
      const rows = await tx.query<LifeRow & { changed: number | boolean }>(
        `SELECT ${LIFE_COLUMNS}, updated_seq > created_seq AS changed FROM hazards WHERE id > @after ORDER BY id LIMIT ${PAGE}`, { after });
      if (!rows.length) break;
      const sum = new CellSum();
      for (const h of rows) {
        const changed = h.changed === true || Number(h.changed) === 1;
        sum.add(contribution(lifeOf(h, changed ? await changesOf(tx.query, h.id) : []), tz));
      }
      await sum.write(tx.query);
      after = rows[rows.length - 1]!.id;
    }
    await tx.query(SET_META, { key: REBUILT, value: 'v1' });
    return { out: undefined, headSeq: null };
  });
  return true;
}

type SumRow = {
  regionCode: string; sector: Sector; source: Source; level: Level;
  new: number | string; closed: number | string; onBooks: number | string; closedBy: number | string; open: number | string; overdue: number | string;
};

/** A period's facts from the per-day counts: one grouped sum, and the closures for the time to close. */
export async function periodFactsFromDaily(q: Query, region: string, from: string, to: string): Promise<PeriodFacts> {
  const p = { region, from, to };
  const scope = scopeSql(region);
  const [sums, closures] = await Promise.all([
    q<SumRow>(
      `SELECT region_code AS "regionCode", sector, source, level,
         SUM(CASE WHEN day >= @from THEN new_count ELSE 0 END) AS "new", SUM(CASE WHEN day >= @from THEN closed_count ELSE 0 END) AS "closed",
         SUM(new_count) AS "onBooks", SUM(closed_count) AS "closedBy", SUM(open_delta) AS "open", SUM(overdue_delta) AS "overdue"
       FROM daily_counts WHERE day <= @to ${scope} GROUP BY region_code, sector, source, level`, p),
    q<{ regionCode: string; discoveredAt: string; closedAt: string }>(
      `SELECT region_code AS "regionCode", discovered_at AS "discoveredAt", closed_at AS "closedAt" FROM hazards
       WHERE discovered_day BETWEEN @from AND @to AND status = 'closed' AND closed_day <= @to ${scope}`, p),
  ]);
  const discovered: NewRow[] = [];
  const closed: CountRow[] = [];
  const onBooks: CountRow[] = [];
  const closedBy: CountRow[] = [];
  const levels: NonNullable<PeriodFacts['levels']> = [];
  for (const r of sums) {
    const at = { regionCode: r.regionCode, sector: r.sector };
    const n = (v: number | string) => Number(v ?? 0);
    if (n(r.new)) discovered.push({ ...at, source: r.source, level: r.level, n: n(r.new) });
    if (n(r.closed)) closed.push({ ...at, n: n(r.closed) });
    if (n(r.onBooks)) onBooks.push({ ...at, n: n(r.onBooks) });
    if (n(r.closedBy)) closedBy.push({ ...at, n: n(r.closedBy) });
    if (n(r.open) || n(r.overdue)) levels.push({ ...at, open: n(r.open), overdue: n(r.overdue) });
  }
  return { from, to, discovered, closed, onBooks, closedBy, unsettled: [], levels, closures };
}

/** New (not rejected), new major and closed per day from the per-day counts. */
export async function dailyFromCounts(q: Query, region: string, from: string, to: string): Promise<DailyRow[]> {
  const rows = await q<{ day: string; n: number | string; major: number | string; closed: number | string }>(
    `SELECT day, SUM(new_count) AS n, SUM(major_count) AS major, SUM(closed_count) AS closed FROM daily_counts
     WHERE day BETWEEN @from AND @to ${scopeSql(region)} GROUP BY day ORDER BY day`, { region, from, to });
  return rows
    .map((r) => ({ day: r.day, new: Number(r.n), newMajor: Number(r.major), closed: Number(r.closed) }))
    .filter((r) => r.new || r.newMajor || r.closed);
}
