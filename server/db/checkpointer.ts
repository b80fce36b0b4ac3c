/**
 * WAL checkpoints off the event loop. SQLite's own automatic checkpoint runs inside the COMMIT that takes the WAL
 * past 1,000 pages: that COMMIT then copies the WAL into the database file and fsyncs it, on the event loop, which
 * under a large write (an import's 2,000-row transaction, a batch of 500) stalled every socket for 0.1–0.6 s on this
 * machine's disk (docs/perf/import.md). Here the writer's connection does not checkpoint by itself
 * (`wal_autocheckpoint = 0`); after each commit a worker thread with its own connection runs a PASSIVE checkpoint
 * (server/workers/checkpoint-worker.ts), which never blocks the writer or a reader. Durability does not depend on
 * it: a commit is on disk in the WAL (synchronous=FULL) before it is acknowledged, checkpointed or not.
 *
 * Bounded: checkpoints are coalesced (one in flight, the next when it ends); while the thread is not running (not
 * started yet, died, could not start) the writer's connection checkpoints automatically as SQLite does by default.
 * While readers hold old snapshots (a minute-long integrity check, an export), no checkpoint can copy the pages
 * they may still read, whoever runs it: the WAL grows until they let go, and the thread's next checkpoint copies
 * the backlog. The writer never takes that over: its PASSIVE checkpoint would be held back by the same readers and,
 * once they let go, would copy and fsync the whole backlog on the event loop — the stall this thread removes.
 *
 * A checkpoint that fails (a full disk, an I/O error) is counted and told (`onProblem`: the app logs it, /metrics
 * counts it beside the WAL's size — docs/OPERATIONS.md "Monitoring"). After FAILURE_STREAK failures in a row the
 * thread is let go as if it had died: its connection may be the broken part, so the writer checkpoints as SQLite does
 * until a fresh thread starts RETRY_MS later. The next success says the checkpoints work again.
 */
import type Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers/spawn';

/** SQLite's default automatic checkpoint, in pages: what the writer goes back to while the thread is not there */
const AUTO_PAGES = 1000;
/** After the thread died or could not start, the writer checkpoints as SQLite does; a new thread is tried after this. */
const RETRY_MS = 10_000;
/** failed checkpoints in a row after which the thread is replaced */
export const FAILURE_STREAK = 3;

/** What a failing or recovering checkpoint tells the app (a log line; the counts are in `stats`). */
export type CheckpointProblem = { event: 'failed' | 'replaced' | 'recovered'; message: string; streak: number };

type Result = { ok: true; busy: number; log: number; checkpointed: number } | { ok: false; message: string };

export class Checkpointer {
  private worker: Worker | null = null;
  private running = false;
  private again = false;
  private closed = false;
  private retryAt = 0;
  /** failures in a row of the thread now running (a new thread starts from 0; `stats.streak` spans threads) */
  private threadFailures = 0;
  /** `leftPages`: WAL pages the last checkpoint could not copy (readers still used them) */
  readonly stats = { runs: 0, failures: 0, lost: 0, leftPages: 0, streak: 0, lastError: null as string | null };
  /** set by the app: told of every failure, a thread replaced after a streak, and the success that ends a streak */
  onProblem: (p: CheckpointProblem) => void = () => undefined;

  /** `retryMs`: how long after losing its thread a new one is tried (tests shorten it) */
  constructor(private readonly db: Database.Database, private readonly retryMs = RETRY_MS) {}

  /** After a commit: ask the thread for a checkpoint (coalesced: one in flight, one more after it). */
  committed(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.run();
  }

  private spawn(): Worker | null {
    if (this.worker) return this.worker;
    if (Date.now() < this.retryAt) return null;
    try {
      const w = spawnWorker('checkpoint-worker', { workerData: { file: this.db.name }, resourceLimits: { maxOldGenerationSizeMb: 64 } });
      w.on('message', (r: Result) => this.done(r));
      w.on('error', () => this.lost(w));
      w.on('exit', () => this.lost(w));
      w.unref();
      this.worker = w;
      this.threadFailures = 0;
      // from now on the thread checkpoints; the writer's COMMIT no longer does
      this.db.pragma('wal_autocheckpoint = 0');
      return w;
    } catch {
      this.retryAt = Date.now() + this.retryMs;
      return null;
    }
  }

  private run(): void {
    const w = this.spawn();
    if (!w) return;
    this.running = true;
    this.again = false;
    w.postMessage('checkpoint');
  }

  private done(r: Result): void {
    this.running = false;
    this.stats.runs++;
    if (r.ok) {
      this.stats.leftPages = r.log - r.checkpointed;
      if (this.stats.streak > 0) this.tell({ event: 'recovered', message: `checkpoints work again after ${this.stats.streak} failed`, streak: 0 });
      this.stats.streak = 0;
      this.threadFailures = 0;
      this.stats.lastError = null;
    } else {
      this.stats.failures++;
      this.stats.streak++;
      this.threadFailures++;
      this.stats.lastError = r.message;
      this.tell({ event: 'failed', message: r.message, streak: this.stats.streak });
      const w = this.worker;
      if (this.threadFailures >= FAILURE_STREAK && w && !this.closed) {
        this.tell({ event: 'replaced', message: `${this.threadFailures} checkpoints of this thread failed in a row: the writer checkpoints until a new thread starts`, streak: this.stats.streak });
        // let go at once (nothing more is posted to it): SQLite's automatic checkpoint again, a new thread after retryMs
        this.lost(w);
        void w.terminate();
        return;
      }
    }
    if (this.again && !this.closed) this.run();
  }

  /** The thread is gone: SQLite's automatic checkpoint again, until a new thread starts after RETRY_MS. */
  private lost(w: Worker): void {
    if (this.worker !== w) return;
    this.worker = null;
    this.running = false;
    if (this.closed) return;
    this.stats.lost++;
    this.retryAt = Date.now() + this.retryMs;
    try {
      this.db.pragma(`wal_autocheckpoint = ${AUTO_PAGES}`);
    } catch {
      // the connection is closing
    }
  }

  private tell(p: CheckpointProblem): void {
    try {
      this.onProblem(p);
    } catch {
      // a logger's fault is not the store's
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
