/**
 * The chain store's SQLite driver: better-sqlite3 on one connection, one process. Every call goes through one
 * queue, so a write transaction (BEGIN IMMEDIATE … COMMIT) is never interleaved with another statement of the
 * chain store even though the port is asynchronous; every statement itself runs synchronously.
 */
import type Database from 'better-sqlite3';
import type { ChainDriver, ChangeSignals, NewHazardRow, Params, Query, WalStats, WriteTx } from '../hazards/chain-driver';
import type { ChangeRow } from '../hazards/changes';
import { statSync } from 'node:fs';
import { Checkpointer, type CheckpointProblem } from './checkpointer';
import { GroupCommit } from './group-commit';

/** Prepared statements kept by SQL text; list filters make a few hundred shapes at most. */
const STATEMENT_CACHE = 500;

/** Whether a statement gets named parameters (better-sqlite3 refuses an empty object for a statement without any). */
function hasKeys(params: Params | undefined): params is Params {
  if (params) for (const _ in params) return true;
  return false;
}

export class SqliteDriver implements ChainDriver {
  readonly kind = 'sqlite';
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly insertChange: Database.Statement;
  private readonly insertHazard: Database.Statement;
  /** WAL checkpoints in a thread of their own (checkpointer.ts); none for a read-only or in-memory database */
  private readonly checkpoints: Checkpointer | null;

  constructor(private readonly db: Database.Database) {
    this.checkpoints = db.readonly || db.memory ? null : new Checkpointer(db);
    this.insertChange = db.prepare(
      `INSERT INTO changes (seq, hazard_id, kind, at, recorded_at, actor, payload, prev_hash, hash)
       VALUES (@seq, @hazard_id, @kind, @at, @recorded_at, @actor, @payload, @prev_hash, @hash)`,
    );
    // positional: bound from the row's fields directly, without a merged object per row
    this.insertHazard = db.prepare(
      `INSERT INTO hazards (id, region_code, city_code, sector, level, status, source, deadline, listed_by, discovered_at,
         discovered_day, reported_at, updated_at, closed_at, closed_day, extensions, created_seq, updated_seq, content_hash, input)
       VALUES (?, ?, ?, ?, ?, 'reported', ?, ?, NULL, ?, ?, ?, ?, NULL, NULL, 0, ?, ?, ?, ?)`,
    );
  }

  private statement(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      if (this.statements.size >= STATEMENT_CACHE) this.statements.clear();
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  /** Runs synchronously; only ever called from inside the queue. */
  private exec<T>(sql: string, params?: Params): T[] {
    const st = this.statement(sql);
    if (st.reader) return (hasKeys(params) ? st.all(params) : st.all()) as T[];
    if (hasKeys(params)) st.run(params);
    else st.run();
    return [];
  }

  private serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  readonly query: Query = <T>(sql: string, params?: Params) => this.serial(() => this.exec<T>(sql, params));

  /**
   * Group commit (group-commit.ts): writes that arrive while the statement queue is busy share one BEGIN IMMEDIATE …
   * COMMIT — one fsync under synchronous=FULL — each in its own savepoint; each caller is answered after that COMMIT.
   */
  /** Groups committed so far, the writes they held and the largest group (the group-commit tests read them). */
  get groupStats(): { groups: number; writes: number; largest: number } {
    return { ...this.groups.stats };
  }

  write<T>(fn: (tx: WriteTx) => Promise<{ out: T; headSeq: number | null }>): Promise<T> {
    return this.groups.write(fn);
  }

  private readonly tx: WriteTx = {
    query: async <R>(sql: string, params?: Params) => this.exec<R>(sql, params),
    insertChanges: async (rows: readonly ChangeRow[]) => {
      for (const r of rows) this.insertChange.run(r);
    },
    runEach: async (sql: string, rows: readonly (readonly unknown[])[]) => {
      const st = this.statement(sql);
      for (const r of rows) st.run(r);
    },
    insertHazards: async (rows: readonly NewHazardRow[], recordedAt: string) => {
      for (const r of rows) {
        this.insertHazard.run(r.id, r.regionCode, r.cityCode, r.sector, r.level, r.source, r.deadline, r.discoveredAt, r.discoveredDay,
          recordedAt, recordedAt, r.seq, r.seq, r.contentHash, r.input);
      }
    },
  };

  private readonly groups = new GroupCommit<WriteTx>(async (body) => {
    // inside a caller's own transaction (a benchmark generating a store in large transactions): a savepoint
    const nested = this.db.inTransaction;
    this.db.exec(nested ? 'SAVEPOINT chain_group' : 'BEGIN IMMEDIATE');
    try {
      await body({
        tx: this.tx,
        savepoint: async () => void this.db.exec('SAVEPOINT chain_write'),
        release: async () => void this.db.exec('RELEASE chain_write'),
        rollbackTo: async () => void this.db.exec('ROLLBACK TO chain_write; RELEASE chain_write'),
        alive: () => this.db.inTransaction,
      });
      this.db.exec(nested ? 'RELEASE chain_group' : 'COMMIT');
      if (!nested) this.checkpoints?.committed();
    } catch (e) {
      if (nested) this.db.exec('ROLLBACK TO chain_group; RELEASE chain_group');
      else if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw e;
    }
  }, (work) => void this.serial(work));

  /** Queued behind any write, in one read transaction (another process — the audit, the token CLI — may write). */
  snapshot<T>(fn: (q: Query) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      const own = !this.db.inTransaction;
      if (own) this.db.exec('BEGIN');
      try {
        return await fn(async <R>(sql: string, params?: Params) => this.exec<R>(sql, params));
      } finally {
        if (own && this.db.inTransaction) this.db.exec('COMMIT');
      }
    });
  }

  readerFile(): string | null {
    return this.db.memory ? null : this.db.name;
  }

  /** One process writes a SQLite store: every change it applies is its own, so there is nothing to hear. */
  listen(signals: ChangeSignals): () => void {
    signals.onListening();
    return () => undefined;
  }

  /** The checkpoint thread's runs, failures, losses and the pages its last checkpoint left (tests, /metrics). */
  get checkpointStats(): Checkpointer['stats'] | null {
    return this.checkpoints ? { ...this.checkpoints.stats } : null;
  }

  /** The WAL's size on disk now (0 when there is none) and the checkpoints' counts; null for a store without a WAL. */
  walStats(): WalStats | null {
    if (!this.checkpoints) return null;
    let bytes = 0;
    try {
      bytes = statSync(`${this.db.name}-wal`).size;
    } catch {
      // no WAL file (yet, or after a clean close)
    }
    return { bytes, ...this.checkpoints.stats };
  }

  onStorageProblem(fn: (p: CheckpointProblem) => void): void {
    if (this.checkpoints) this.checkpoints.onProblem = fn;
  }

  async close(): Promise<void> {
    await this.groups.drain();
    await this.checkpoints?.close();
    await this.serial(() => this.db.close());
  }
}
