/**
 * The chain store's PostgreSQL driver, for several server processes on one database. A write holds one
 * advisory transaction lock (the chain lock) and, just before COMMIT, NOTIFYs the new head on CHANNEL:
 * PostgreSQL delivers a notification only when its transaction commits, and in commit order, so a listener
 * never hears of a change it cannot read. Each node listens on a dedicated connection (not the pool's).
 */
import pg from 'pg';
import type { ChainDriver, ChangeSignals, NewHazardRow, Params, Query, WriteTx } from '../hazards/chain-driver';
import type { ChangeRow } from '../hazards/changes';
import { insertChanges, insertHazards, pgDialect } from '../hazards/postgres.sql';
import { GroupCommit } from './group-commit';
import { PG_TYPES, rows, snapshot, surface, writeTransaction, type Db } from './pg-pool';

/** The advisory lock every chain write holds until it commits ('hzchn' as digits; below 2^53, so exact as a JS number). */
export const CHAIN_LOCK = 0x687a63686e;
/** The NOTIFY channel of new chain heads; the payload is the head's seq in decimal. */
export const CHANNEL = 'hz_changes';

const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 5000;

const portable = (db: pg.Pool | Db): Query => async <T>(sql: string, params: Params = {}) => {
  const { text, values } = pgDialect(sql, params);
  return rows<T>(db, text, values);
};

export class PostgresDriver implements ChainDriver {
  readonly kind = 'postgres';
  readonly query: Query;

  constructor(private readonly pool: pg.Pool, private readonly url: string) {
    const q = portable(pool);
    this.query = <T>(sql: string, params?: Params) => q<T>(sql, params).catch(surface);
  }

  /**
   * Group commit (group-commit.ts): writes from this node that arrive while its previous group commits share one
   * transaction, one advisory lock, one NOTIFY and one commit, each in its own savepoint (two round trips more per
   * write, paid only when a group holds more than one). Nodes still take turns on the chain lock, group by group.
   */
  /** Groups committed so far, the writes they held and the largest group (the group-commit tests read them). */
  get groupStats(): { groups: number; writes: number; largest: number } {
    return { ...this.groups.stats };
  }

  write<T>(fn: (tx: WriteTx) => Promise<{ out: T; headSeq: number | null }>): Promise<T> {
    return this.groups.write(fn).catch(surface);
  }

  private groupsDone: Promise<void> = Promise.resolve();

  private readonly groups = new GroupCommit<WriteTx>((body) => writeTransaction(this.pool, async (db) => {
    await db.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
    const tx: WriteTx = {
      query: portable(db),
      insertChanges: (r: readonly ChangeRow[]) => insertChanges(db, r),
      insertHazards: (r: readonly NewHazardRow[], recordedAt: string) => insertHazards(db, r, recordedAt),
    };
    const headSeq = await body({
      tx,
      savepoint: async () => void await db.query('SAVEPOINT chain_write'),
      release: async () => void await db.query('RELEASE SAVEPOINT chain_write'),
      rollbackTo: async () => void await db.query('ROLLBACK TO SAVEPOINT chain_write; RELEASE SAVEPOINT chain_write'),
      // a failed statement leaves the transaction aborted but a savepoint recovers it; a lost connection fails rollbackTo
      alive: () => true,
    });
    if (headSeq !== null) await db.query('SELECT pg_notify($1, $2)', [CHANNEL, String(headSeq)]);
  }), (work) => {
    this.groupsDone = this.groupsDone.then(work, work).catch(() => undefined);
  });

  /** One client runs one statement at a time: the snapshot's queries (often started together) are queued on it. */
  snapshot<T>(fn: (q: Query) => Promise<T>): Promise<T> {
    return snapshot(this.pool, (db) => {
      const q = portable(db);
      let last: Promise<unknown> = Promise.resolve();
      return fn(<R>(sql: string, params?: Params) => {
        const next = last.then(() => q<R>(sql, params));
        last = next.catch(() => undefined);
        return next;
      });
    }).catch(surface);
  }

  listen(signals: ChangeSignals): () => void {
    return new Listener(this.url, signals).stop;
  }

  async close(): Promise<void> {
    await this.groups.drain();
    await this.groupsDone;
    await this.pool.end();
  }
}

/** LISTEN on a dedicated client; on any loss it reconnects with a growing delay and says so (the feed then catches up). */
class Listener {
  private client: pg.Client | null = null;
  private stopped = false;
  private delay = RECONNECT_MIN_MS;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly url: string, private readonly signals: ChangeSignals) {
    void this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, types: PG_TYPES, application_name: 'hazard-dashboard-listen', connectionTimeoutMillis: 5000, keepAlive: true });
    this.client = client;
    let lost = false;
    const onLost = (err: unknown) => {
      if (lost || this.stopped) return;
      lost = true;
      this.client = null;
      client.end().catch(() => undefined);
      this.signals.onLost(err);
      this.timer = setTimeout(() => void this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, RECONNECT_MAX_MS);
    };
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('listen connection ended')));
    client.on('notification', (n) => {
      const seq = Number(n.payload);
      if (n.channel === CHANNEL && Number.isSafeInteger(seq)) this.signals.onHead(seq);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (this.stopped) return void client.end().catch(() => undefined);
      this.delay = RECONNECT_MIN_MS;
      this.signals.onListening();
    } catch (e) {
      onLost(e);
    }
  }

  readonly stop = (): void => {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.client?.end().catch(() => undefined);
    this.client = null;
  };
}
