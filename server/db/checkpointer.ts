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
 * started yet, died, could not start) the writer's connection checkpoints automatically as SQLite does by default;
 * and when readers keep more than WAL_LIMIT_PAGES in the WAL, the writer checkpoints itself after its commit.
 */
import type Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers/spawn';

/** SQLite's default automatic checkpoint, in pages: what the writer goes back to while the thread is not there */
const AUTO_PAGES = 1000;
/** Past this many pages left in the WAL after a checkpoint (readers held them), the writer checkpoints itself. */
export const WAL_LIMIT_PAGES = 16 * AUTO_PAGES;
/** After the thread died or could not start, the writer checkpoints as SQLite does; a new thread is tried after this. */
const RETRY_MS = 10_000;

type Result = { ok: true; busy: number; log: number; checkpointed: number } | { ok: false; message: string };

export class Checkpointer {
  private worker: Worker | null = null;
  private running = false;
  private again = false;
  private closed = false;
  private retryAt = 0;
  /** WAL pages the last checkpoint could not copy (readers still used them) */
  private leftPages = 0;
  readonly stats = { runs: 0, failures: 0, fallbacks: 0, lost: 0 };

  constructor(private readonly db: Database.Database) {}

  /** After a commit: ask for a checkpoint (coalesced); the writer does it itself when the WAL stays too long. */
  committed(): void {
    if (this.closed) return;
    if (this.leftPages > WAL_LIMIT_PAGES) {
      this.fallback();
      return;
    }
    if (this.running) {
      this.again = true;
      return;
    }
    this.run();
  }

  private fallback(): void {
    this.stats.fallbacks++;
    try {
      const [r] = this.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
      this.leftPages = r ? r.log - r.checkpointed : 0;
    } catch {
      // as with SQLite's automatic checkpoint, a checkpoint that fails does not fail the commit before it
    }
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
      // from now on the thread checkpoints; the writer's COMMIT no longer does
      this.db.pragma('wal_autocheckpoint = 0');
      return w;
    } catch {
      this.retryAt = Date.now() + RETRY_MS;
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
    if (r.ok) this.leftPages = r.log - r.checkpointed;
    else this.stats.failures++;
    if (this.again && !this.closed) this.run();
  }

  /** The thread is gone: SQLite's automatic checkpoint again, until a new thread starts after RETRY_MS. */
  private lost(w: Worker): void {
    if (this.worker !== w) return;
    this.worker = null;
    this.running = false;
    if (this.closed) return;
    this.stats.lost++;
    this.retryAt = Date.now() + RETRY_MS;
    try {
      this.db.pragma(`wal_autocheckpoint = ${AUTO_PAGES}`);
    } catch {
      // the connection is closing
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
