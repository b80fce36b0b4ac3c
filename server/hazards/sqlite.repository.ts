/** The embedded store: better-sqlite3, one writer, every write one synchronous transaction. */
import type Database from 'better-sqlite3';
import { OPEN_STATUSES } from '../../shared/domain';
import { getRegion } from '../../shared/regions';
import type { Actor, ListFilter } from '../../shared/schemas';
import { dayOf, DEFAULT_TZ } from '../../shared/time';
import { GENESIS_HASH, rowToChange, sealChange, type Change, type ChangePayload, type ChangeRow } from './changes';
import { everyPage, filterSql, pageSql } from './list-sql';
import { rowToHazard, type HazardRow } from './hazard-row';
import { sqlitePeriodFacts } from './briefing-sql';
import type { PeriodFacts } from '../../shared/briefing';
import {
  factsOf, type AggregateGroup, type DailyRow, type HazardRepository, type IngestOutcome, type MutateResult,
  type Mutation, type NewHazard, type Page, type RebuildState, type StoredHazard,
} from './hazards.repository';

/**
 * The last change must be the one the application last wrote (meta `chain_head`, same transaction).
 * Otherwise a change removed from, or appended to, the end while the server was down would be sealed
 * over by the next write and become invisible to the audit — so the server refuses to start.
 */
function assertChainEnd(db: Database.Database, last: { seq: number; hash: string } | undefined): void {
  const recorded = (db.prepare("SELECT value FROM meta WHERE key = 'chain_head'").pluck().get() as string | undefined) ?? null;
  const actual = last ? `${last.seq}:${last.hash}` : null;
  if (recorded === actual) return;
  throw new Error(
    `the change chain ends at ${actual ?? 'nothing'} but the application last wrote ${recorded ?? 'nothing'} (meta chain_head): ` +
      'the database was changed outside the application. Run `npm run audit -- verify` to name the first record that does not verify, and restore from a backup.',
  );
}

export class SqliteHazardRepository implements HazardRepository {
  private head: { seq: number; hash: string };
  private readonly stmts;

  constructor(private readonly db: Database.Database, private readonly tz: string = DEFAULT_TZ) {
    const last = db.prepare('SELECT seq, hash FROM changes ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    this.head = last ?? { seq: 0, hash: GENESIS_HASH };
    assertChainEnd(db, last);
    this.stmts = {
      insertChange: db.prepare(
        `INSERT INTO changes (seq, hazard_id, kind, at, recorded_at, actor, payload, prev_hash, hash)
         VALUES (@seq, @hazard_id, @kind, @at, @recorded_at, @actor, @payload, @prev_hash, @hash)`,
      ),
      insertHazard: db.prepare(
        `INSERT INTO hazards (id, region_code, city_code, sector, level, status, source, deadline, listed_by, discovered_at,
           discovered_day, reported_at, updated_at, closed_at, closed_day, extensions, created_seq, updated_seq, content_hash, input)
         VALUES (@id, @region_code, @city_code, @sector, @level, @status, @source, @deadline, NULL, @discovered_at,
           @discovered_day, @reported_at, @reported_at, NULL, NULL, 0, @seq, @seq, @content_hash, @input)`,
      ),
      updateHazard: db.prepare(
        `UPDATE hazards SET status=@status, level=@level, deadline=@deadline, listed_by=@listed_by, closed_at=@closed_at,
           closed_day=@closed_day, extensions=@extensions, updated_at=@updated_at, updated_seq=@updated_seq WHERE id=@id`,
      ),
      getHazard: db.prepare('SELECT * FROM hazards WHERE id = ?'),
      contentHash: db.prepare('SELECT content_hash FROM hazards WHERE id = ?').pluck(),
      history: db.prepare('SELECT * FROM changes WHERE hazard_id = ? ORDER BY seq'),
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
  }

  /** Seals and stores one change at the head of the chain (inside the caller's transaction). */
  private append(c: Omit<Change, 'seq' | 'hash' | 'prevHash'>, head: { seq: number; hash: string }): Change {
    const { row, change } = sealChange({ ...c, seq: head.seq + 1 }, head.hash);
    this.stmts.insertChange.run(row);
    head.seq = row.seq;
    head.hash = row.hash;
    return change;
  }

  /** Runs `fn` in an IMMEDIATE transaction; the in-memory head moves only when it commits. */
  private write<T>(fn: (head: { seq: number; hash: string }) => T): T {
    const head = { ...this.head };
    const result = this.db.transaction(() => {
      const out = fn(head);
      this.stmts.setMeta.run('chain_head', `${head.seq}:${head.hash}`);
      return out;
    }).immediate();
    this.head = head;
    return result;
  }

  async ingest(items: NewHazard[], actor: Actor, recordedAt: string): Promise<IngestOutcome[]> {
    return this.write((head) => {
      const seen = new Map<string, string>();
      return items.map((item): IngestOutcome => {
        const { input } = item;
        const existing = seen.get(input.id) ?? (this.stmts.contentHash.get(input.id) as string | undefined);
        if (existing !== undefined) {
          return existing === item.contentHash
            ? { status: 'duplicate' }
            : { status: 'conflict', message: `hazard ${input.id} exists with different content` };
        }
        const region = getRegion(input.regionCode)!;
        const cityCode = region.level === 'city' ? region.code : region.parent!;
        const facts = {
          regionCode: input.regionCode, sector: input.sector, level: input.level, status: 'reported' as const,
          deadline: input.deadline ?? null, listed: false,
        };
        const payload: ChangePayload = { data: { ...input }, before: null, after: facts };
        const change = this.append(
          { hazardId: input.id, kind: 'reported', at: input.discoveredAt, recordedAt, actor, payload },
          head,
        );
        this.stmts.insertHazard.run({
          id: input.id, region_code: input.regionCode, city_code: cityCode, sector: input.sector, level: input.level,
          status: 'reported', source: input.source, deadline: input.deadline ?? null,
          discovered_at: new Date(input.discoveredAt).toISOString(), discovered_day: item.discoveredDay,
          reported_at: recordedAt, content_hash: item.contentHash, input: JSON.stringify(input), seq: change.seq,
        });
        seen.set(input.id, item.contentHash);
        return { status: 'accepted', change };
      });
    });
  }

  async mutate(id: string, actor: Actor, recordedAt: string, decide: (h: StoredHazard) => Mutation): Promise<MutateResult> {
    return this.write((head): MutateResult => {
      const row = this.stmts.getHazard.get(id) as HazardRow | undefined;
      if (!row) return { ok: false, status: 404, code: 'not_found', message: `no hazard ${id}` };
      const current = rowToHazard(row);
      const m = decide(current);
      if (!m.ok) return m;
      const next: StoredHazard = { ...current, ...m.next, updatedAt: recordedAt };
      const change = this.append(
        { hazardId: id, kind: m.kind, at: m.at, recordedAt, actor, payload: { data: m.data, before: factsOf(current), after: factsOf(next) } },
        head,
      );
      next.updatedSeq = change.seq;
      this.stmts.updateHazard.run({
        id, status: next.status, level: next.level, deadline: next.deadline, listed_by: next.listedBy,
        closed_at: next.closedAt, closed_day: next.closedAt ? dayOf(Date.parse(next.closedAt), this.tz) : null,
        extensions: next.extensions, updated_at: recordedAt, updated_seq: change.seq,
      });
      return { ok: true, hazard: next, change };
    });
  }

  async turnDay(day: string, recordedAt: string): Promise<Change | null> {
    return this.write((head) => {
      const current = (this.stmts.getMeta.get('day') as string | undefined) ?? null;
      if (current !== null && day <= current) return null;
      const placeholders = OPEN_STATUSES.map(() => '?').join(',');
      const groups = this.db
        .prepare(
          `SELECT region_code AS regionCode, sector, COUNT(*) AS n FROM hazards
           WHERE status IN (${placeholders}) AND deadline IS NOT NULL AND deadline < ? ${current ? 'AND deadline >= ?' : ''}
           GROUP BY region_code, sector`,
        )
        .all(...OPEN_STATUSES, day, ...(current ? [current] : [])) as ChangePayload['overdue'];
      this.stmts.setMeta.run('day', day);
      return this.append(
        { hazardId: null, kind: 'day', at: recordedAt, recordedAt, actor: null, payload: { data: {}, before: null, after: null, day, overdue: groups } },
        head,
      );
    });
  }

  async get(id: string): Promise<StoredHazard | undefined> {
    const row = this.stmts.getHazard.get(id) as HazardRow | undefined;
    return row && rowToHazard(row);
  }

  async history(id: string): Promise<Change[]> {
    return (this.stmts.history.all(id) as ChangeRow[]).map(rowToChange);
  }

  async list(filter: ListFilter, limit: number, cursor: string | undefined, today: string): Promise<Page<StoredHazard>> {
    const { where, params } = filterSql(filter, today, '?');
    const page = pageSql(filter.order, cursor, (v) => (params.push(v), '?'));
    where.push(...page.where);
    const sql = `SELECT * FROM hazards ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${page.orderBy} LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, limit + 1) as HazardRow[];
    const items = rows.slice(0, limit).map(rowToHazard);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? page.cursorOf(last) : null };
  }

  iterate(filter: ListFilter, today: string): AsyncIterable<StoredHazard> {
    return everyPage((cursor) => this.list(filter, 1000, cursor, today));
  }

  async daily(region: string, fromDay: string, toDay: string): Promise<DailyRow[]> {
    const r = getRegion(region);
    const scope = !r || r.level === 'province' ? '' : r.level === 'city' ? 'AND city_code = @region' : 'AND region_code = @region';
    const created = this.db
      .prepare(
        `SELECT discovered_day AS day, COUNT(*) AS n, SUM(level = 'major') AS major FROM hazards
         WHERE discovered_day BETWEEN @from AND @to AND status != 'rejected' ${scope} GROUP BY discovered_day`,
      )
      .all({ from: fromDay, to: toDay, region }) as Array<{ day: string; n: number; major: number }>;
    const closed = this.db
      .prepare(
        `SELECT closed_day AS day, COUNT(*) AS n FROM hazards
         WHERE closed_day BETWEEN @from AND @to AND status = 'closed' ${scope} GROUP BY closed_day`,
      )
      .all({ from: fromDay, to: toDay, region }) as Array<{ day: string; n: number }>;
    const byDay = new Map<string, DailyRow>();
    const row = (day: string) => byDay.get(day) ?? byDay.set(day, { day, new: 0, newMajor: 0, closed: 0 }).get(day)!;
    for (const c of created) Object.assign(row(c.day), { new: c.n, newMajor: c.major });
    for (const c of closed) row(c.day).closed = c.n;
    return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
  }

  async periodFacts(region: string, fromDay: string, toDay: string): Promise<PeriodFacts> {
    return sqlitePeriodFacts(this.db, region, fromDay, toDay);
  }

  async rebuildState(): Promise<RebuildState> {
    const day = (this.stmts.getMeta.get('day') as string | undefined) ?? null;
    // grouped in the order of the covering index hazards_aggregate: one ordered scan, no sort; overdue
    // is counted within each group rather than grouped on, so the scan can stream
    const rows = this.db
      .prepare(
        `SELECT region_code, sector, level, status, listed_by, COUNT(*) AS n,
                COUNT(CASE WHEN deadline < ? THEN 1 END) AS overdueN, MAX(updated_seq) AS maxSeq
         FROM hazards GROUP BY region_code, sector, level, status, listed_by`,
      )
      .all(day ?? '') as Array<{ region_code: string; sector: string; level: string; status: string; listed_by: string | null; n: number; overdueN: number; maxSeq: number }>;
    // a plain loop: flatMap with spreads costs ~10x as much on tens of thousands of groups
    const groups: AggregateGroup[] = [];
    for (const r of rows) {
      for (const [overdue, n] of [[true, r.overdueN], [false, r.n - r.overdueN]] as const) {
        if (n === 0) continue;
        groups.push({
          regionCode: r.region_code, sector: r.sector as AggregateGroup['sector'], level: r.level as AggregateGroup['level'],
          status: r.status as AggregateGroup['status'], listed: r.listed_by !== null, deadline: null, overdue, n, maxSeq: r.maxSeq,
        });
      }
    }
    const dayChanges = (this.db.prepare("SELECT seq, payload FROM changes WHERE kind = 'day'").all() as Array<{ seq: number; payload: string }>)
      .map((r) => ({ seq: r.seq, regions: ((JSON.parse(r.payload) as ChangePayload).overdue ?? []).map((g) => g.regionCode) }));
    return { headSeq: this.head.seq, headHash: this.head.hash, day, groups, dayChanges };
  }

  async recordedAtOf(seqs: number[]): Promise<Map<number, string>> {
    const stmt = this.db.prepare('SELECT recorded_at FROM changes WHERE seq = ?').pluck();
    return new Map(seqs.map((s) => [s, (stmt.get(s) as string | undefined) ?? new Date(0).toISOString()]));
  }

  async changesSince(seq: number, limit: number): Promise<Change[]> {
    return (this.db.prepare('SELECT * FROM changes WHERE seq > ? ORDER BY seq LIMIT ?').all(seq, limit) as ChangeRow[]).map(rowToChange);
  }

  async *allChanges(): AsyncIterable<ChangeRow> {
    yield* this.db.prepare('SELECT * FROM changes ORDER BY seq').iterate() as Iterable<ChangeRow>;
  }

  async *allHazards(): AsyncIterable<StoredHazard> {
    for (const r of this.db.prepare('SELECT * FROM hazards ORDER BY id').iterate() as Iterable<HazardRow>) yield rowToHazard(r);
  }

  /** The database file read workers may open read-only beside this writer; null for an in-memory store. */
  readerFile(): string | null {
    return this.db.memory ? null : this.db.name;
  }

  chainHead(): { seq: number; hash: string } {
    return { ...this.head };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
