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

export async function openPostgresAuditSource(url: string): Promise<{ source: AuditSource; close(): Promise<void> }> {
  // BIGINT as number, as the store reads it: hashRow and the column checks compare numbers
  const client = new pg.Client({ connectionString: url, types: PG_TYPES, application_name: 'hazard-audit' });
  await client.connect();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  async function* pages<T>(sql: string, keyOf: (r: T) => unknown, first: unknown): AsyncIterable<T> {
    for (let after = first; ;) {
      const { rows } = await client.query(sql, [after, PAGE]);
      yield* rows as T[];
      if (rows.length < PAGE) return;
      after = keyOf(rows[rows.length - 1] as T);
    }
  }
  const source: AuditSource = {
    changes: () => pages<ChangeRow>('SELECT * FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2', (r) => r.seq, 0),
    hazards: () => pages<HazardTableRow>('SELECT * FROM hazards WHERE id > $1 ORDER BY id LIMIT $2', (r) => r.id, ''),
    meta: async (key) => ((await client.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key])).rows[0]?.value ?? null),
    auth: portAuditSource(async <T>(sql: string) => (await client.query(sql)).rows as T[]),
    query: async <T>(sql: string, params: Record<string, unknown> = {}) => {
      const { text, values } = pgDialect(sql, params);
      return (await client.query(text, values)).rows as T[];
    },
  };
  return {
    source,
    close: async () => {
      await client.query('COMMIT').catch(() => undefined);
      await client.end();
    },
  };
}
