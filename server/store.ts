/** Chooses the store from the configuration: SQLite in DATA_DIR unless DATABASE_URL names PostgreSQL. */
import { join } from 'node:path';
import { openSqlite } from './db/sqlite';
import { SqliteHazardRepository } from './hazards/sqlite.repository';
import { SqliteTokenStore, type TokenStore } from './auth/tokens';
import type { Config } from './config';
import type { AppDeps } from './app';

export type Store = { repo: AppDeps['repo']; tokens: TokenStore; describe: string };

export async function openStore(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR' | 'TZ_REGION'>): Promise<Store> {
  if (config.DATABASE_URL && /^postgres(ql)?:/.test(config.DATABASE_URL)) {
    const { openPostgresStore } = await import('./db/postgres');
    return openPostgresStore(config.DATABASE_URL, config.TZ_REGION);
  }
  if (config.DATABASE_URL) throw new Error(`DATABASE_URL must be postgres://… (or unset for SQLite), got ${config.DATABASE_URL.split(':')[0]}:`);
  const file = join(config.DATA_DIR, 'hazards.sqlite');
  const db = openSqlite(file);
  return { repo: new SqliteHazardRepository(db, config.TZ_REGION), tokens: new SqliteTokenStore(db), describe: `sqlite:${file}` };
}
