/**
 * The audit's view of a PostgreSQL store: one REPEATABLE READ READ ONLY transaction (the audit never migrates
 * or writes), so servers writing meanwhile cannot make the chain, the table and meta disagree. Rows come in
 * keyset pages within that snapshot, so a store of millions is never held in memory at once.
 */
import pg from 'pg';
import { PG_TYPES } from '../db/pg-pool';
import { pgDialect } from '../hazards/postgres.sql';
import type { ChangeRow } from '../hazards/changes';
import type { AuditSource, HazardTableRow } from './verify';
import { portAuditSource } from '../auth/auth-chain';

const PAGE = 5000;

/**
 * `timeoutMs`: how long connecting, or any one statement, may take before it fails (the server's own check: a
 * network that hangs, or a statement kept waiting on a lock, must not hold it for ever); none when not given.
 */
export async function openPostgresAuditSource(url: string, timeoutMs?: number): Promise<{ source: AuditSource; close(): Promise<void> }> {
  // BIGINT as number, as the store reads it: hashRow and the column checks compare numbers
  const limits = timeoutMs ? { connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs, query_timeout: timeoutMs, keepAlive: true } : {};
  const client = new pg.Client({ connectionString: url, types: PG_TYPES, application_name: 'hazard-audit', ...limits });
  await client.connect();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  // one client runs one statement at a time: the checks start several at once (Promise.all in
  // server/hazards/briefing-sql.ts), and pg queues them itself only under a deprecation (pg 9 refuses them)
  let last: Promise<unknown> = Promise.resolve();
  const sql = <T>(text: string, values?: unknown[]): Promise<T[]> => {
    const next = last.then(async () => (await client.query(text, values)).rows as T[]);
    last = next.catch(() => undefined);
    return next;
  };
  async function* pages<T>(text: string, keyOf: (r: T) => unknown, first: unknown): AsyncIterable<T> {
    for (let after = first; ;) {
      const rows = await sql<T>(text, [after, PAGE]);
      yield* rows;
      if (rows.length < PAGE) return;
      after = keyOf(rows[rows.length - 1] as T);
    }
  }
  const source: AuditSource = {
    changes: () => pages<ChangeRow>('SELECT * FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2', (r) => r.seq, 0),
    hazards: () => pages<HazardTableRow>('SELECT * FROM hazards WHERE id > $1 ORDER BY id LIMIT $2', (r) => r.id, ''),
    meta: async (key) => (await sql<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]))[0]?.value ?? null,
    auth: portAuditSource(<T>(text: string) => sql<T>(text)),
    query: <T>(named: string, params: Record<string, unknown> = {}) => {
      const { text, values } = pgDialect(named, params);
      return sql<T>(text, values);
    },
  };
  return {
    source,
    close: async () => {
      await last;
      await client.query('COMMIT').catch(() => undefined);
      await client.end();
    },
  };
}
