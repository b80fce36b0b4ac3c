/**
 * The chain store: the hash chain, the hazards projection and every write rule (dedupe, mutations, the day
 * turn, the chain-end check), written once over a driver port (chain-driver.ts) that SQLite and PostgreSQL
 * implement. Every write holds the chain lock, reads the head under it and appends after it, so all nodes'
 * changes form one total order and one unbroken chain; the same calls seal byte-identical chains on both.
 */
import { OPEN_STATUSES, type Level, type Sector, type Source } from '../../shared/domain';
import { getRegion } from '../../shared/regions';
import type { Actor } from '../../shared/schemas';
import { dayOf, DEFAULT_TZ } from '../../shared/time';
import type { ChainDriver, ChangeSignals, Head, NewHazardRow, Params, WalStats, WriteTx } from './chain-driver';
import { inList } from './chain-driver';
import { Appender, getMeta, lastSeq, readHead, SET_META } from './chain-head';
import { ChainReads } from './chain.reads';
import { GENESIS_HASH, reportedPayloadJson, type Change, type ChangePayload } from './changes';
import { rowToHazard, type HazardRow } from './hazard-row';
import { CellDiff, contribution, reportedContribution } from '../briefing/daily';
import { applyCells, BRIEFING_DAYS_VERSION, HISTORY_SQL, lifeOf, markPassedDays, marksCurrent, rebuildBriefingDays, remarkBriefingDays, type LifeChange } from '../briefing/days-store';
import {
  factsOf, type HazardRepository, type IngestOutcome, type MutateResult, type Mutation, type NewHazard, type StoredHazard,
} from './hazards.repository';

/** ids looked up per statement when an ingest checks for duplicates (well inside every parameter limit) */
const LOOKUP_CHUNK = 500;

export class ChainStore extends ChainReads implements HazardRepository {
  private constructor(driver: ChainDriver, private readonly tz: string) {
    super(driver);
  }

  /** Refuses a database whose chain end is not the one the application wrote. */
  static async open(driver: ChainDriver, tz: string = DEFAULT_TZ): Promise<ChainStore> {
    await readHead(driver.query);
    // the briefing's per-day counts: filled from the history when missing or of an older rule (server/briefing/)
    if ((await getMeta(driver.query, 'briefing_days')) !== BRIEFING_DAYS_VERSION) await rebuildBriefingDays(driver, tz);
    // marks placed by an older rule (fixed days of the month): placed afresh, the counts kept
    else if (!(await marksCurrent(driver.query))) await remarkBriefingDays(driver);
    return new ChainStore(driver, tz);
  }

  /** SQLite runs each prepared one-row upsert in-process; PostgreSQL pays a round trip per statement. */
  private get rowsPerUpsert(): number {
    return this.driver.kind === 'sqlite' ? 1 : 64;
  }

  get kind(): string {
    return this.driver.kind;
  }

  /** SQLite: the WAL's size and its checkpoints' counts (for /metrics); null for a store without one. */
  walStats(): WalStats | null {
    return this.driver.walStats?.() ?? null;
  }

  /** SQLite: told when a WAL checkpoint fails, its thread is replaced, or checkpoints work again. */
  onStorageProblem(fn: (p: { event: string; message: string; streak: number }) => void): void {
    this.driver.onStorageProblem?.(fn);
  }

  /** The file read workers may open read-only (server/workers/): SQLite only. */
  readerFile(): string | null {
    return this.driver.readerFile?.() ?? null;
  }

  /** Locked transaction: head read under the lock, the caller's changes appended after it, chain_head moved with them. */
  private write<T>(fn: (tx: WriteTx, chain: Appender) => Promise<T>): Promise<T> {
    return this.driver.write(async (tx) => {
      const chain = new Appender(await readHead(tx.query));
      const out = await fn(tx, chain);
      if (!chain.rows.length) return { out, headSeq: null };
      await tx.insertChanges(chain.rows);
      await tx.query(SET_META, { key: 'chain_head', value: `${chain.head.seq}:${chain.head.hash}` });
      return { out, headSeq: chain.head.seq };
    });
  }

  private async storedHashes(tx: WriteTx, ids: string[]): Promise<Map<string, string>> {
    const seen = new Map<string, string>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const params: Params = {};
      const list = inList('id', ids.slice(i, i + LOOKUP_CHUNK), params);
      for (const r of await tx.query<{ id: string; content_hash: string }>(`SELECT id, content_hash FROM hazards WHERE id IN (${list})`, params)) {
        seen.set(r.id, r.content_hash);
      }
    }
    return seen;
  }

  async ingest(items: NewHazard[], actor: Actor, recordedAt: string): Promise<IngestOutcome[]> {
    return this.write(async (tx, chain) => {
      const seen = await this.storedHashes(tx, [...new Set(items.map((i) => i.input.id))]);
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
        // the input's JSON once: its content hash was taken of it, it is the stored input, and the change's payload holds it
        const json = item.json ?? JSON.stringify(input);
        const change = chain.append(
          { hazardId: input.id, kind: 'reported', at: input.discoveredAt, recordedAt, actor, payload }, reportedPayloadJson(json, facts));
        inserts.push({
          id: input.id, regionCode: input.regionCode, cityCode: region.level === 'city' ? region.code : region.parent!,
          sector: input.sector, level: input.level, source: input.source, deadline: input.deadline ?? null,
          discoveredAt: new Date(input.discoveredAt).toISOString(), discoveredDay: item.discoveredDay,
          contentHash: item.contentHash, input: json, seq: change.seq,
        });
        seen.set(input.id, item.contentHash);
        return { status: 'accepted', change };
      });
      await tx.insertHazards(inserts, recordedAt);
      // the briefing's per-day counts, in the same transaction: a new hazard is a handful of cells
      const cells = new CellDiff();
      for (const h of inserts) {
        cells.add(reportedContribution({
          regionCode: h.regionCode, sector: h.sector as Sector, source: h.source as Source, level: h.level as Level,
          discoveredDay: h.discoveredDay, deadline: h.deadline,
        }));
      }
      await applyCells(tx.query, cells, this.rowsPerUpsert, tx.runEach);
      return outcomes;
    });
  }

  async mutate(id: string, actor: Actor, recordedAt: string, decide: (h: StoredHazard) => Mutation): Promise<MutateResult> {
    return this.write(async (tx, chain): Promise<MutateResult> => {
      // no row lock needed: the chain lock already serialises every write
      const [row] = await tx.query<HazardRow>('SELECT * FROM hazards WHERE id = @id', { id });
      if (!row) return { ok: false, status: 404, code: 'not_found', message: `no hazard ${id}` };
      const current = rowToHazard(row);
      const m = decide(current);
      if (!m.ok) return m;
      const next: StoredHazard = { ...current, ...m.next, updatedAt: recordedAt };
      const change = chain.append({
        hazardId: id, kind: m.kind, at: m.at, recordedAt, actor, payload: { data: m.data, before: factsOf(current), after: factsOf(next) },
      });
      next.updatedSeq = change.seq;
      const closedDay = next.closedAt ? dayOf(Date.parse(next.closedAt), this.tz) : null;
      await this.recount(tx, row, { ...row, status: next.status, level: next.level, deadline: next.deadline, closed_day: closedDay }, change);
      await tx.query(
        `UPDATE hazards SET status = @status, level = @level, deadline = @deadline, listed_by = @listedBy, closed_at = @closedAt,
           closed_day = @closedDay, extensions = @extensions, updated_at = @updatedAt, updated_seq = @seq WHERE id = @id`,
        {
          id, status: next.status, level: next.level, deadline: next.deadline, listedBy: next.listedBy, closedAt: next.closedAt,
          closedDay, extensions: next.extensions,
          updatedAt: recordedAt, seq: change.seq,
        },
      );
      return { ok: true, hazard: next, change };
    });
  }

  /** Refills the briefing's per-day counts from the history (when their version is old, or always with `force`). */
  rebuildBriefingDays(force = false): Promise<boolean> {
    return rebuildBriefingDays(this.driver, this.tz, force);
  }

  /** The briefing's per-day counts: the hazard's contribution with the change, less the one without it. */
  private async recount(tx: WriteTx, before: HazardRow, after: HazardRow, change: Change): Promise<void> {
    const history = await tx.query<LifeChange>(HISTORY_SQL, { id: before.id });
    const added: LifeChange = { seq: change.seq, at: change.at, payload: JSON.stringify(change.payload) };
    await applyCells(tx.query, new CellDiff()
      .add(contribution(lifeOf(before, history), this.tz), -1)
      .add(contribution(lifeOf(after, [...history, added]), this.tz)), this.rowsPerUpsert, tx.runEach);
  }

  async turnDay(day: string, recordedAt: string): Promise<Change | null> {
    return this.write(async (tx, chain) => {
      const current = await getMeta(tx.query, 'day');
      if (current !== null && day <= current) return null;
      const params: Params = { day, current };
      const groups = (await tx.query<{ regionCode: string; sector: string; n: number | string }>(
        `SELECT region_code AS "regionCode", sector, COUNT(*) AS n FROM hazards
         WHERE status IN (${inList('s', OPEN_STATUSES, params)}) AND deadline IS NOT NULL AND deadline < @day
           ${current ? 'AND deadline >= @current' : ''}
         GROUP BY region_code, sector ORDER BY region_code, sector`,
        params,
      )).map((g) => ({ regionCode: g.regionCode, sector: g.sector, n: Number(g.n) }));
      await tx.query(SET_META, { key: 'day', value: day });
      await markPassedDays(tx.query, day);
      return chain.append({
        hazardId: null, kind: 'day', at: recordedAt, recordedAt, actor: null, payload: { data: {}, before: null, after: null, day, overdue: groups },
      });
    });
  }

  /** Read from the table, not remembered: other nodes move the head too. */
  async chainHead(): Promise<Head> {
    const [last] = await this.driver.query<{ seq: number | string; hash: string }>('SELECT seq, hash FROM changes ORDER BY seq DESC LIMIT 1');
    return last ? { seq: Number(last.seq), hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** The newest committed position, cheaply (the change feed's safety-net poll). */
  headSeq(): Promise<number> {
    return lastSeq(this.driver.query);
  }

  /** Signals from the database when any node appends (changes.feed.ts); returns the function that stops them. */
  listen(signals: ChangeSignals): () => void {
    return this.driver.listen(signals);
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
