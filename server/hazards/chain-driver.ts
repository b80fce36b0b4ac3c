/**
 * The driver port under the chain store (chain.store.ts): the few things a database must do for it. The chain
 * store owns every rule (the head and its check, dedupe, mutations, the day turn, the change feed's reads);
 * a driver only runs SQL. SQL handed to a driver is portable: named `@parameters`, camelCase aliases written
 * `AS "camelCase"`, no JSON functions, no dialect-only aggregates (COUNT(CASE …) rather than FILTER/SUM(bool)).
 * Drivers: server/db/sqlite.driver.ts, server/db/postgres.driver.ts.
 */
import type { ChangeRow } from './changes';

export type Params = Record<string, unknown>;

/** Runs one portable statement and returns its rows (none for INSERT/UPDATE). */
export type Query = <T>(sql: string, params?: Params) => Promise<T[]>;

export type Head = { seq: number; hash: string };

/** A `hazards` row as inserted by an ingest: reported, unlisted, no extensions. */
export type NewHazardRow = {
  id: string; regionCode: string; cityCode: string; sector: string; level: string; source: string; deadline: string | null;
  discoveredAt: string; discoveredDay: string; contentHash: string; input: string; seq: number;
};

/** One write transaction, holding the chain lock: nothing else appends until it commits or rolls back. */
export type WriteTx = {
  query: Query;
  /** many rows in as few statements as the database allows */
  insertChanges(rows: readonly ChangeRow[]): Promise<void>;
  insertHazards(rows: readonly NewHazardRow[], recordedAt: string): Promise<void>;
  /**
   * SQLite: one positional statement (`?` placeholders) run once per row, in a plain loop — no promise, parameter
   * object or name lookup per row (the briefing's per-day upserts: about five a hazard, docs/perf/ingest.md). A
   * database with round trips (PostgreSQL) has none and binds wide statements instead.
   */
  runEach?(sql: string, rows: readonly (readonly unknown[])[]): Promise<void>;
};

/** How a driver tells the chain store that another process may have appended (the change feed, changes.feed.ts). */
export type ChangeSignals = {
  /** a committed head position (from any node), as soon as the database says so */
  onHead(seq: number): void;
  /** the signal connection is (again) up: anything may have been missed while it was down */
  onListening(): void;
  /** the signal connection dropped; the driver reconnects by itself */
  onLost(err: unknown): void;
};

/** A SQLite store's write-ahead log: its bytes on disk and what the checkpoint thread has done with it. */
export type WalStats = { bytes: number; runs: number; failures: number; lost: number; leftPages: number; streak: number; lastError: string | null };

export interface ChainDriver {
  /** 'sqlite' | 'postgres', for logs and the few answers that differ (none in the chain's rules) */
  readonly kind: string;
  /** The database file read-only connections may open beside this writer (SQLite; server/workers/), else null. */
  readerFile?(): string | null;
  /** SQLite: the WAL's size and its checkpoints' counts (server/db/checkpointer.ts), for /metrics */
  walStats?(): WalStats | null;
  /** SQLite: told when a WAL checkpoint fails, its thread is replaced, or checkpoints work again (the app logs it) */
  onStorageProblem?(fn: (p: { event: string; message: string; streak: number }) => void): void;
  /**
   * Runs `fn` in one transaction that holds the chain lock (SQLite: BEGIN IMMEDIATE on the one connection,
   * queued; PostgreSQL: an advisory transaction lock). After commit, `headSeq` (the new head, when the write
   * appended) is announced to every node that listens (`listen`).
   */
  write<T>(fn: (tx: WriteTx) => Promise<{ out: T; headSeq: number | null }>): Promise<T>;
  /** One statement outside a write. */
  query: Query;
  /** Several reads that must see one moment while others write. */
  snapshot<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  /** Starts delivering change signals; returns the function that stops them. SQLite has one writer: it signals nothing. */
  listen(signals: ChangeSignals): () => void;
  close(): Promise<void>;
}

/** `@p0, @p1, …` for a list, with its values added to `params`: an IN list in portable SQL. */
export function inList(prefix: string, values: readonly unknown[], params: Params): string {
  return values.map((v, i) => {
    params[`${prefix}${i}`] = v;
    return `@${prefix}${i}`;
  }).join(', ');
}
