/**
 * The PostgreSQL connection pool and the two kinds of transaction the store uses: a write (READ COMMITTED,
 * serialised by the caller's advisory lock) and a read snapshot (REPEATABLE READ READ ONLY), so reads that
 * must agree with each other — a rebuild's counts and its head — see one moment even while other nodes write.
 */
import pg from 'pg';
import { StoreUnavailableError, isConnectionError } from '../errors';

const INT8 = 20;

/** BIGINT (seq, COUNT(*)) as a JS number: sequence positions and counts stay far below 2^53. */
export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Rethrows a connection failure as StoreUnavailableError (server/errors.ts), anything else as it is. */
export const surface = (e: unknown): never => {
  throw isConnectionError(e) && !(e instanceof StoreUnavailableError) ? new StoreUnavailableError(e) : e;
};

export function createPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, types: PG_TYPES, application_name: 'hazard-dashboard', connectionTimeoutMillis: 10_000 });
  // an idle client whose server connection dropped (restart, failover) must not crash the process: the pool
  // discards it and the next query connects afresh
  pool.on('error', () => undefined);
  // every user of the pool (the chain store, the tokens) sees a lost database as StoreUnavailableError, which the
  // HTTP layer answers 503, never as a raw driver error (a 500)
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    const out = query(...args);
    return out instanceof Promise ? out.catch(surface) : out;
  }) as typeof pool.query;
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  pool.connect = ((...args: unknown[]) => {
    const out = connect(...args);
    return out instanceof Promise ? out.catch(surface) : out;
  }) as typeof pool.connect;
  return pool;
}

export type Db = pg.PoolClient;

async function inTransaction<T>(pool: pg.Pool, begin: string, fn: (c: Db) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // the connection dropping between two statements emits 'error' on the checked-out client: without a listener
  // that would be an uncaught exception; the next statement fails instead, and the client is dropped below
  const onError = () => (broken = true);
  client.on('error', onError);
  try {
    await client.query(begin);
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    // a connection that cannot even roll back is dropped, not returned to the pool
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw e;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

export const writeTransaction = <T>(pool: pg.Pool, fn: (c: Db) => Promise<T>): Promise<T> => inTransaction(pool, 'BEGIN', fn);

export const snapshot = <T>(pool: pg.Pool, fn: (c: Db) => Promise<T>): Promise<T> =>
  inTransaction(pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn);

/** Rows of a query, typed by the caller. */
export async function rows<T>(db: pg.Pool | Db, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)).rows as T[];
}

/** A safe description of the URL for logs: no password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgres:${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'postgres:(unparsable url)';
  }
}
