/**
 * Group commit for the chain store's drivers (sqlite.driver.ts, postgres.driver.ts): writes that arrive while a
 * group is being committed wait for the next group, and a group is one transaction and one commit (one fsync)
 * for all of them. Each write runs in its own savepoint, so a write that fails is rolled back alone — the others
 * still commit, and it leaves no trace; each caller is answered only after the commit that holds its write (or
 * with the error that kept the whole group from committing, when none of it did). The number of writes waiting
 * is bounded: past it a write is refused at once with 503 write_queue_full and a Retry-After. See
 * docs/perf/ingest.md.
 */
import { ServiceError } from '../errors';

/** Writes in one transaction at most: a write may carry a batch of 500 hazards, and the first waits for the last. */
export const MAX_GROUP = 64;
/** Writes waiting for a group at most; beyond, 503 (the client retries; a report sent again is stored once). */
export const MAX_WAITING = 2000;
const RETRY_MS = 1000;

/** One write's work, as a driver runs it; `headSeq` is the chain head it appended (null when it appended nothing). */
export type WriteWork<Tx> = (tx: Tx) => Promise<{ out: unknown; headSeq: number | null }>;

/** What a driver does for a group: one transaction, and savepoints inside it. */
export type GroupTransaction<Tx> = {
  tx: Tx;
  savepoint(): Promise<void>;
  release(): Promise<void>;
  rollbackTo(): Promise<void>;
  /** false when a failure ended the transaction itself (SQLite after some I/O errors): nothing of the group commits */
  alive(): boolean;
};

/** Runs `body` in one transaction holding the chain lock and commits it (rolls it back if `body` throws). */
export type RunGroup<Tx> = (body: (g: GroupTransaction<Tx>) => Promise<number | null>) => Promise<void>;

type Member<Tx> = { work: WriteWork<Tx>; resolve(out: unknown): void; reject(e: unknown): void };

export class GroupCommit<Tx> {
  private waiting: Member<Tx>[] = [];
  private scheduled = false;
  /** commits so far, and the writes they held (for /metrics-style figures and tests) */
  readonly stats = { groups: 0, writes: 0, largest: 0 };

  /**
   * `enqueue` runs a group when the driver is free (SQLite: its one statement queue; PostgreSQL: after the group
   * before it), so the next group fills while one commits.
   */
  constructor(private readonly runGroup: RunGroup<Tx>, private readonly enqueue: (work: () => Promise<void>) => void) {}

  write<T>(work: (tx: Tx) => Promise<{ out: T; headSeq: number | null }>): Promise<T> {
    if (this.waiting.length >= MAX_WAITING) {
      return Promise.reject(new ServiceError(503, 'write_queue_full', `${MAX_WAITING} writes are already waiting for the database; retry shortly (a report sent again is recognised by its id and stored once)`, undefined, RETRY_MS));
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (out: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // after the I/O callbacks of this turn of the event loop: every request that has arrived meanwhile joins
      setImmediate(() => this.enqueue(() => this.flush()));
    });
  }

  /** Commits what waits now instead of at the next turn of the event loop (a driver about to close). */
  drain(): Promise<void> {
    return new Promise((resolve) => {
      this.enqueue(async () => {
        while (this.waiting.length) await this.flush();
        resolve();
      });
    });
  }

  private async flush(): Promise<void> {
    const group = this.waiting.splice(0, MAX_GROUP);
    this.scheduled = false;
    if (this.waiting.length) {
      this.scheduled = true;
      this.enqueue(() => this.flush());
    }
    if (!group.length) return;
    const done: { m: Member<Tx>; out: unknown }[] = [];
    const failed: { m: Member<Tx>; e: unknown }[] = [];
    try {
      await this.runGroup(async (g) => {
        let head: number | null = null;
        // one write alone needs no savepoint: if it fails, the transaction rolled back holds nothing else
        const alone = group.length === 1;
        for (const m of group) {
          if (!alone) await g.savepoint();
          try {
            const r = await m.work(g.tx);
            if (!alone) await g.release();
            done.push({ m, out: r.out });
            if (r.headSeq !== null) head = r.headSeq;
          } catch (e) {
            if (alone || !g.alive()) throw e;
            await g.rollbackTo();
            failed.push({ m, e });
          }
        }
        return head;
      });
    } catch (e) {
      // the group did not commit: no write of it is acknowledged; a lone write's own error reaches its caller as it was
      for (const m of group) m.reject(e);
      return;
    }
    this.stats.groups++;
    this.stats.writes += done.length;
    this.stats.largest = Math.max(this.stats.largest, group.length);
    for (const { m, e } of failed) m.reject(e);
    // in commit (chain) order, so the change feed is handed them in order
    for (const { m, out } of done) m.resolve(out);
  }
}
