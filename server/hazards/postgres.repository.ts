/**
 * The PostgreSQL store: the same hash chain, projection and outcomes as sqlite.repository.ts, for several
 * server processes sharing one database. Every write transaction takes one advisory lock, reads the head
 * from the table and appends after it, so all nodes' changes form one total order and one unbroken chain.
 */
import type pg from 'pg';
import { OPEN_STATUSES } from '../../shared/domain';
import { getRegion } from '../../shared/regions';
import type { Actor, ListFilter } from '../../shared/schemas';
import { dayOf, DEFAULT_TZ } from '../../shared/time';
import type { PeriodFacts } from '../../shared/briefing';
import { rows, snapshot, writeTransaction, type Db } from '../db/pg-pool';
import { GENESIS_HASH, rowToChange, type Change, type ChangePayload, type ChangeRow } from './changes';
import { Appender, CHAIN_LOCK, LAST_CHANGE, getMeta, readHead, setMeta, type Head } from './postgres.chain';
import { everyPage, filterSql, pageSql } from './list-sql';
import { rowToHazard, type HazardRow } from './hazard-row';
import { insertChanges, insertHazards, pgDialect, type NewHazardRow } from './postgres.sql';
import { periodFactsWith } from './briefing-sql';
import {
  factsOf, type AggregateGroup, type DailyRow, type HazardRepository, type IngestOutcome, type MutateResult,
  type Mutation, type NewHazard, type Page, type RebuildState, type StoredHazard,
} from './hazards.repository';

const PAGE = 5000;

export class PostgresHazardRepository implements HazardRepository {
  private constructor(private readonly pool: pg.Pool, private readonly tz: string) {}

  /** Refuses a database whose chain end is not the one the application wrote, as the SQLite store does. */
  static async open(pool: pg.Pool, tz: string = DEFAULT_TZ): Promise<PostgresHazardRepository> {
    await readHead(pool);
    return new PostgresHazardRepository(pool, tz);
  }

  /** Locked transaction: head read under the lock, the caller's changes appended after it, chain_head moved with them. */
  private write<T>(fn: (db: Db, chain: Appender) => Promise<T>): Promise<T> {
    return writeTransaction(this.pool, async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
      const chain = new Appender(await readHead(db));
      const out = await fn(db, chain);
      if (chain.rows.length) {
        await insertChanges(db, chain.rows);
        await setMeta(db, 'chain_head', `${chain.head.seq}:${chain.head.hash}`);
      }
      return out;
    });
  }

  async ingest(items: NewHazard[], actor: Actor, recordedAt: string): Promise<IngestOutcome[]> {
    return this.write(async (db, chain) => {
      const ids = [...new Set(items.map((i) => i.input.id))];
      const stored = await rows<{ id: string; content_hash: string }>(db, 'SELECT id, content_hash FROM hazards WHERE id = ANY($1)', [ids]);
      const seen = new Map(stored.map((r) => [r.id, r.content_hash]));
      const inserts: NewHazardRow[] = [];
      const outcomes = items.map((item): IngestOutcome => {
        const { input } = item;
        const existing = seen.get(input.id);
        if (existing !== undefined) {
          return existing === item.contentHash
            ? { status: 'duplicate' }
            : { status: 'conflict', message: `hazard ${input.id} exists with different content` };
        }
        const region = getRegion(input.regionCode)!;
        const facts = {
          regionCode: input.regionCode, sector: input.sector, level: input.level, status: 'reported' as const,
          deadline: input.deadline ?? null, listed: false,
        };
        const payload: ChangePayload = { data: { ...input }, before: null, after: facts };
        const change = chain.append({ hazardId: input.id, kind: 'reported', at: input.discoveredAt, recordedAt, actor, payload });
        inserts.push({
          id: input.id, regionCode: input.regionCode, cityCode: region.level === 'city' ? region.code : region.parent!,
          sector: input.sector, level: input.level, source: input.source, deadline: input.deadline ?? null,
          discoveredAt: new Date(input.discoveredAt).toISOString(), discoveredDay: item.discoveredDay,
          contentHash: item.contentHash, input: JSON.stringify(input), seq: change.seq,
        });
        seen.set(input.id, item.contentHash);
        return { status: 'accepted', change };
      });
      await insertHazards(db, inserts, recordedAt);
      return outcomes;
    });
  }

  async mutate(id: string, actor: Actor, recordedAt: string, decide: (h: StoredHazard) => Mutation): Promise<MutateResult> {
    return this.write(async (db, chain): Promise<MutateResult> => {
      const [row] = await rows<HazardRow>(db, 'SELECT * FROM hazards WHERE id = $1 FOR UPDATE', [id]);
      if (!row) return { ok: false, status: 404, code: 'not_found', message: `no hazard ${id}` };
      const current = rowToHazard(row);
      const m = decide(current);
      if (!m.ok) return m;
      const next: StoredHazard = { ...current, ...m.next, updatedAt: recordedAt };
      const change = chain.append({
        hazardId: id, kind: m.kind, at: m.at, recordedAt, actor, payload: { data: m.data, before: factsOf(current), after: factsOf(next) },
      });
      next.updatedSeq = change.seq;
      await db.query(
        `UPDATE hazards SET status=$2, level=$3, deadline=$4, listed_by=$5, closed_at=$6, closed_day=$7, extensions=$8,
           updated_at=$9, updated_seq=$10 WHERE id=$1`,
        [id, next.status, next.level, next.deadline, next.listedBy, next.closedAt,
          next.closedAt ? dayOf(Date.parse(next.closedAt), this.tz) : null, next.extensions, recordedAt, change.seq],
      );
      return { ok: true, hazard: next, change };
    });
  }

  async turnDay(day: string, recordedAt: string): Promise<Change | null> {
    return this.write(async (db, chain) => {
      const current = await getMeta(db, 'day');
      if (current !== null && day <= current) return null;
      const groups = await rows<{ regionCode: string; sector: string; n: number }>(
        db,
        `SELECT region_code AS "regionCode", sector, COUNT(*) AS n FROM hazards
         WHERE status = ANY($1) AND deadline IS NOT NULL AND deadline < $2 ${current ? 'AND deadline >= $3' : ''}
         GROUP BY region_code, sector`,
        [OPEN_STATUSES, day, ...(current ? [current] : [])],
      );
      await setMeta(db, 'day', day);
      return chain.append({
        hazardId: null, kind: 'day', at: recordedAt, recordedAt, actor: null, payload: { data: {}, before: null, after: null, day, overdue: groups },
      });
    });
  }

  async get(id: string): Promise<StoredHazard | undefined> {
    const [row] = await rows<HazardRow>(this.pool, 'SELECT * FROM hazards WHERE id = $1', [id]);
    return row && rowToHazard(row);
  }

  async history(id: string): Promise<Change[]> {
    return (await rows<ChangeRow>(this.pool, 'SELECT * FROM changes WHERE hazard_id = $1 ORDER BY seq', [id])).map(rowToChange);
  }

  async list(filter: ListFilter, limit: number, cursor: string | undefined, today: string): Promise<Page<StoredHazard>> {
    const { where, params } = filterSql(filter, today, '$');
    const p = (v: unknown) => `$${params.push(v)}`;
    const page = pageSql(filter.order, cursor, p);
    where.push(...page.where);
    const sql = `SELECT * FROM hazards ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ${page.orderBy} LIMIT ${p(limit + 1)}`;
    const found = await rows<HazardRow>(this.pool, sql, params);
    const items = found.slice(0, limit).map(rowToHazard);
    const last = items[items.length - 1];
    return { items, nextCursor: found.length > limit && last ? page.cursorOf(last) : null };
  }

  iterate(filter: ListFilter, today: string): AsyncIterable<StoredHazard> {
    return everyPage((cursor) => this.list(filter, 1000, cursor, today));
  }

  async daily(region: string, fromDay: string, toDay: string): Promise<DailyRow[]> {
    const r = getRegion(region);
    const scope = !r || r.level === 'province' ? '' : r.level === 'city' ? 'AND city_code = $3' : 'AND region_code = $3';
    const params = scope ? [fromDay, toDay, region] : [fromDay, toDay];
    const [created, closed] = await snapshot(this.pool, async (db) => [
      await rows<{ day: string; n: number; major: number }>(
        db,
        `SELECT discovered_day AS day, COUNT(*) AS n, COUNT(*) FILTER (WHERE level = 'major') AS major FROM hazards
         WHERE discovered_day BETWEEN $1 AND $2 AND status <> 'rejected' ${scope} GROUP BY discovered_day`,
        params,
      ),
      await rows<{ day: string; n: number }>(
        db,
        `SELECT closed_day AS day, COUNT(*) AS n FROM hazards
         WHERE closed_day BETWEEN $1 AND $2 AND status = 'closed' ${scope} GROUP BY closed_day`,
        params,
      ),
    ] as const);
    const byDay = new Map<string, DailyRow>();
    const row = (day: string) => byDay.get(day) ?? byDay.set(day, { day, new: 0, newMajor: 0, closed: 0 }).get(day)!;
    for (const c of created) Object.assign(row(c.day), { new: c.n, newMajor: c.major });
    for (const c of closed) row(c.day).closed = c.n;
    return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
  }

  /** The briefing's shared queries (briefing-sql.ts), in one snapshot so that its counts agree with each other. */
  async periodFacts(region: string, fromDay: string, toDay: string): Promise<PeriodFacts> {
    return snapshot(this.pool, (db) =>
      periodFactsWith(async (sql, named) => {
        const { text, values } = pgDialect(sql, named);
        return rows(db, text, values);
      }, region, fromDay, toDay));
  }

  /** One snapshot: the head, the day and the counts must describe the same moment while other nodes write. */
  async rebuildState(): Promise<RebuildState> {
    return snapshot(this.pool, async (db) => {
      const head = await readHead(db);
      const day = await getMeta(db, 'day');
      // grouped in the order of the covering index hazards_aggregate; overdue counted within each group
      const grouped = await rows<{ region_code: string; sector: string; level: string; status: string; listed_by: string | null; n: number; overdueN: number; maxSeq: number }>(
        db,
        `SELECT region_code, sector, level, status, listed_by, COUNT(*) AS n,
                COUNT(*) FILTER (WHERE deadline IS NOT NULL AND deadline < $1) AS "overdueN", MAX(updated_seq) AS "maxSeq"
         FROM hazards GROUP BY region_code, sector, level, status, listed_by`,
        [day ?? ''],
      );
      // a plain loop, as in the SQLite store: flatMap with spreads costs ~10x as much on tens of thousands of groups
      const groups: AggregateGroup[] = [];
      for (const r of grouped) {
        for (const [overdue, n] of [[true, r.overdueN], [false, r.n - r.overdueN]] as const) {
          if (n === 0) continue;
          groups.push({
            regionCode: r.region_code, sector: r.sector as AggregateGroup['sector'], level: r.level as AggregateGroup['level'],
            status: r.status as AggregateGroup['status'], listed: r.listed_by !== null, deadline: null, overdue, n, maxSeq: r.maxSeq,
          });
        }
      }
      const dayChanges = (await rows<{ seq: number; payload: string }>(db, "SELECT seq, payload FROM changes WHERE kind = 'day' ORDER BY seq"))
        .map((r) => ({ seq: r.seq, regions: ((JSON.parse(r.payload) as ChangePayload).overdue ?? []).map((g) => g.regionCode) }));
      return { headSeq: head.seq, headHash: head.hash, day, groups, dayChanges };
    });
  }

  async recordedAtOf(seqs: number[]): Promise<Map<number, string>> {
    const found = await rows<{ seq: number; recorded_at: string }>(this.pool, 'SELECT seq, recorded_at FROM changes WHERE seq = ANY($1::bigint[])', [seqs]);
    const at = new Map(found.map((r) => [r.seq, r.recorded_at]));
    return new Map(seqs.map((s) => [s, at.get(s) ?? new Date(0).toISOString()]));
  }

  async changesSince(seq: number, limit: number): Promise<Change[]> {
    return (await rows<ChangeRow>(this.pool, 'SELECT * FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2', [seq, limit])).map(rowToChange);
  }

  /** In pages by seq: the chain only grows at its end, so later pages never skip or repeat a row. */
  async *allChanges(): AsyncIterable<ChangeRow> {
    for (let after = 0; ;) {
      const page = await rows<ChangeRow>(this.pool, 'SELECT * FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2', [after, PAGE]);
      yield* page;
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.seq;
    }
  }

  async *allHazards(): AsyncIterable<StoredHazard> {
    for (let after = ''; ;) {
      const page = await rows<HazardRow>(this.pool, 'SELECT * FROM hazards WHERE id > $1 ORDER BY id LIMIT $2', [after, PAGE]);
      for (const r of page) yield rowToHazard(r);
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.id;
    }
  }

  /** Read from the table, not remembered: other nodes move the head too. */
  async chainHead(): Promise<Head> {
    const [last] = await rows<Head>(this.pool, LAST_CHANGE);
    return last ?? { seq: 0, hash: GENESIS_HASH };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
