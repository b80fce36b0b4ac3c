/**
 * The chain store's reads, in portable SQL over the driver port: lists and exports, the day columns, the
 * briefing's facts, the rebuild's grouped counts, and the change sequence in order for the feed and the audit.
 */
import type { PeriodFacts } from '../../shared/briefing';
import type { ListFilter } from '../../shared/schemas';
import { getRegion, PROVINCE_CODE } from '../../shared/regions';
import { briefingFactsFromDays, periodFactsFromDays, periodFactsWith, scopeSql, type BriefingFacts, type BriefingPeriods, type PeriodNeed } from './briefing-sql';
import type { ChainDriver, Params } from './chain-driver';
import { inList } from './chain-driver';
import { getMeta, readHead } from './chain-head';
import { rowToChange, type Change, type ChangePayload, type ChangeRow } from './changes';
import { rowToHazard, type HazardRow } from './hazard-row';
import type { AggregateGroup, DailyRow, Page, RebuildState, StoredHazard } from './hazards.repository';
import { HAZARD_COLUMNS, everyPage, listSql } from './list-sql';

const PAGE = 5000;
const num = (v: number | string | null | undefined) => Number(v ?? 0);

type Grouped = { region_code: string; sector: string; level: string; status: string; listed_by: string | null; n: number | string; overdueN: number | string; maxSeq: number | string };

export class ChainReads {
  constructor(protected readonly driver: ChainDriver) {}

  async get(id: string): Promise<StoredHazard | undefined> {
    const [row] = await this.driver.query<HazardRow>(`SELECT ${HAZARD_COLUMNS} FROM hazards WHERE id = @id`, { id });
    return row && rowToHazard(row);
  }

  async history(id: string): Promise<Change[]> {
    return (await this.driver.query<ChangeRow>('SELECT * FROM changes WHERE hazard_id = @id ORDER BY seq', { id })).map(rowToChange);
  }

  /** A page of a filtered list (list-sql.ts listSql: the page's ids in index order, then those rows). */
  async list(filter: ListFilter, limit: number, cursor: string | undefined, today: string): Promise<Page<StoredHazard>> {
    const { sql, params, cursorOf } = listSql(filter, limit, cursor, today, this.driver.kind);
    const found = await this.driver.query<HazardRow>(sql, params);
    const items = found.slice(0, limit).map(rowToHazard);
    const last = items[items.length - 1];
    return { items, nextCursor: found.length > limit && last ? cursorOf(last) : null };
  }

  iterate(filter: ListFilter, today: string): AsyncIterable<StoredHazard> {
    return everyPage((cursor) => this.list(filter, 1000, cursor, today));
  }

  /**
   * New (not rejected, by the level now) and closed hazards per day, from the briefing's per-day counts
   * (briefing_trend, server/briefing/days-store.ts): at most two rows a day of the region's own scope.
   */
  async daily(region: string, fromDay: string, toDay: string): Promise<DailyRow[]> {
    const rows = await this.driver.snapshot((q) => q<{ day: string; level: string; n: number | string; closed: number | string }>(
      `SELECT day, level, new_n AS n, closed_n AS closed FROM briefing_trend WHERE scope = @scope AND day BETWEEN @from AND @to`,
      { scope: getRegion(region)?.level === 'province' || !getRegion(region) ? PROVINCE_CODE : region, from: fromDay, to: toDay }));
    const byDay = new Map<string, DailyRow>();
    for (const r of rows) {
      const d = byDay.get(r.day) ?? byDay.set(r.day, { day: r.day, new: 0, newMajor: 0, closed: 0 }).get(r.day)!;
      d.new += num(r.n);
      if (r.level === 'major') d.newMajor += num(r.n);
      d.closed += num(r.closed);
    }
    // as the scan: a day with nothing is not listed
    return [...byDay.values()].filter((d) => d.new || d.closed).sort((a, b) => a.day.localeCompare(b.day));
  }

  /** The same by two GROUP BYs over the day columns, in one snapshot: the reference the counts are tested against. */
  async scanDaily(region: string, fromDay: string, toDay: string): Promise<DailyRow[]> {
    const scope = scopeSql(region);
    const p = { from: fromDay, to: toDay, region };
    const [created, closed] = await this.driver.snapshot(async (q) => [
      await q<{ day: string; n: number | string; major: number | string }>(
        `SELECT discovered_day AS day, COUNT(*) AS n, COUNT(CASE WHEN level = 'major' THEN 1 END) AS major FROM hazards
         WHERE discovered_day BETWEEN @from AND @to AND status <> 'rejected' ${scope} GROUP BY discovered_day`, p),
      await q<{ day: string; n: number | string }>(
        `SELECT closed_day AS day, COUNT(*) AS n FROM hazards
         WHERE closed_day BETWEEN @from AND @to AND status = 'closed' ${scope} GROUP BY closed_day`, p),
    ] as const);
    const byDay = new Map<string, DailyRow>();
    const row = (day: string) => byDay.get(day) ?? byDay.set(day, { day, new: 0, newMajor: 0, closed: 0 }).get(day)!;
    for (const c of created) Object.assign(row(c.day), { new: num(c.n), newMajor: num(c.major) });
    for (const c of closed) row(c.day).closed = num(c.n);
    return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
  }

  /** A period of the briefing from the per-day counts (briefing-sql.ts), in one snapshot so that its counts agree. */
  async periodFacts(region: string, fromDay: string, toDay: string, tz?: string, need?: PeriodNeed): Promise<PeriodFacts> {
    return this.driver.snapshot((q) => periodFactsFromDays((sql, named) => q(sql, named), region, fromDay, toDay, tz, need));
  }

  /** A briefing's four periods in one snapshot, each prefix point shared between them read once (briefing-sql.ts). */
  async briefingFacts(region: string, periods: BriefingPeriods, tz?: string): Promise<BriefingFacts> {
    return this.driver.snapshot((q) => briefingFactsFromDays((sql, named) => q(sql, named), region, periods, tz));
  }

  /** The same period by scanning the hazards and replaying their history: the reference the counts are tested against. */
  async scanPeriodFacts(region: string, fromDay: string, toDay: string, tz?: string): Promise<PeriodFacts> {
    return this.driver.snapshot((q) => periodFactsWith((sql, named) => q(sql, named), region, fromDay, toDay, tz));
  }

  /** One snapshot: the head, the day and the counts must describe the same moment while other nodes write. */
  async rebuildState(): Promise<RebuildState> {
    return this.driver.snapshot(async (q) => {
      const head = await readHead(q);
      const day = await getMeta(q, 'day');
      // grouped in the order of the covering index hazards_aggregate: one ordered scan, no sort; overdue
      // is counted within each group rather than grouped on, so the scan can stream
      const grouped = await q<Grouped>(
        `SELECT region_code, sector, level, status, listed_by, COUNT(*) AS n,
                COUNT(CASE WHEN deadline < @day THEN 1 END) AS "overdueN", MAX(updated_seq) AS "maxSeq"
         FROM hazards GROUP BY region_code, sector, level, status, listed_by`,
        { day: day ?? '' },
      );
      // a plain loop: flatMap with spreads costs ~10x as much on tens of thousands of groups
      const groups: AggregateGroup[] = [];
      for (const r of grouped) {
        const n = num(r.n);
        const overdueN = num(r.overdueN);
        for (const [overdue, k] of [[true, overdueN], [false, n - overdueN]] as const) {
          if (k === 0) continue;
          groups.push({
            regionCode: r.region_code, sector: r.sector as AggregateGroup['sector'], level: r.level as AggregateGroup['level'],
            status: r.status as AggregateGroup['status'], listed: r.listed_by !== null, deadline: null, overdue, n: k, maxSeq: num(r.maxSeq),
          });
        }
      }
      const dayChanges = (await q<{ seq: number | string; payload: string }>("SELECT seq, payload FROM changes WHERE kind = 'day' ORDER BY seq"))
        .map((r) => ({ seq: num(r.seq), regions: ((JSON.parse(r.payload) as ChangePayload).overdue ?? []).map((g) => g.regionCode) }));
      return { headSeq: head.seq, headHash: head.hash, day, groups, dayChanges };
    });
  }

  async recordedAtOf(seqs: number[]): Promise<Map<number, string>> {
    const at = new Map<number, string>();
    for (let i = 0; i < seqs.length; i += 500) {
      const params: Params = {};
      const list = inList('q', seqs.slice(i, i + 500), params);
      for (const r of await this.driver.query<{ seq: number | string; recorded_at: string }>(`SELECT seq, recorded_at FROM changes WHERE seq IN (${list})`, params)) {
        at.set(num(r.seq), r.recorded_at);
      }
    }
    return new Map(seqs.map((s) => [s, at.get(s) ?? new Date(0).toISOString()]));
  }

  /** Who made each of the given changes (an export names each hazard's reporter and last actor). */
  async actorsOf(seqs: number[]): Promise<Map<number, Change['actor']>> {
    const by = new Map<number, Change['actor']>();
    const unique = [...new Set(seqs)];
    for (let i = 0; i < unique.length; i += 500) {
      const params: Params = {};
      const list = inList('q', unique.slice(i, i + 500), params);
      for (const r of await this.driver.query<{ seq: number | string; actor: string }>(`SELECT seq, actor FROM changes WHERE seq IN (${list})`, params)) {
        by.set(num(r.seq), JSON.parse(r.actor) as Change['actor']);
      }
    }
    return by;
  }

  async changesSince(seq: number, limit: number): Promise<Change[]> {
    return (await this.driver.query<ChangeRow>('SELECT * FROM changes WHERE seq > @seq ORDER BY seq LIMIT @limit', { seq, limit })).map(rowToChange);
  }

  /** In pages by seq: the chain only grows at its end, so later pages never skip or repeat a row. */
  async *allChanges(): AsyncIterable<ChangeRow> {
    for (let after = 0; ;) {
      const page = await this.driver.query<ChangeRow>('SELECT * FROM changes WHERE seq > @after ORDER BY seq LIMIT @limit', { after, limit: PAGE });
      yield* page;
      if (page.length < PAGE) return;
      after = num(page[page.length - 1]!.seq);
    }
  }

  async *allHazards(): AsyncIterable<StoredHazard> {
    for (let after = ''; ;) {
      const page = await this.driver.query<HazardRow>(`SELECT ${HAZARD_COLUMNS} FROM hazards WHERE id > @after ORDER BY id LIMIT @limit`, { after, limit: PAGE });
      for (const r of page) yield rowToHazard(r);
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.id;
    }
  }
}
