/**
 * The PostgreSQL store (DATABASE_URL=postgres://…): a pool, the migrations, the chain store on the PostgreSQL
 * driver and the tokens. Several server processes may share one database; each write takes the chain lock
 * (postgres.driver.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { Store } from './store-type';
import { ChainStore } from '../hazards/chain.store';
import { PostgresTokenStore } from '../auth/tokens.postgres';
import { createPool, describeUrl } from './pg-pool';
import { PostgresDriver } from './postgres.driver';

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations', 'postgres');

/** Session-level advisory lock key of the migration runner ('hzmigr' as digits; any constant unique to it). */
export const MIGRATION_LOCK = 0x687a6d696772;

/**
 * Applies pending migrations in file-name order, each in its own transaction with its schema_migrations row.
 * The advisory lock makes nodes that start together take turns: the first migrates, the others then find
 * nothing to do (CREATE TABLE IF NOT EXISTS alone would still race on the catalogue).
 */
export async function migrate(pool: pg.Pool): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
    const done = new Set((await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const file of readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).sort()) {
      if (done.has(file)) continue;
      try {
        await client.query('BEGIN');
        await client.query(readFileSync(join(MIGRATIONS, file), 'utf8'));
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [file, new Date().toISOString()]);
        await client.query('COMMIT');
        applied.push(file);
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${file} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}

export async function openPostgresStore(url: string, tz: string): Promise<Store> {
  const pool = createPool(url);
  try {
    await migrate(pool);
    const repo = await ChainStore.open(new PostgresDriver(pool, url), tz);
    // the pool is the driver's: closing the chain store closes it, tokens included
    return { repo, tokens: new PostgresTokenStore(pool), describe: describeUrl(url), close: () => repo.close() };
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }
}
