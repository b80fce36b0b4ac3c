/** Chooses the store from the configuration: SQLite in DATA_DIR unless DATABASE_URL names PostgreSQL. */
import { join } from 'node:path';
import { openSqlite } from './db/sqlite';
import { SqliteDriver } from './db/sqlite.driver';
import type { Store } from './db/store-type';
import { ChainStore } from './hazards/chain.store';
import { SqliteTokenStore } from './auth/tokens';
import type { Config } from './config';

export type { Store };

export async function openStore(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR' | 'TZ_REGION'>): Promise<Store> {
  if (config.DATABASE_URL && /^postgres(ql)?:/.test(config.DATABASE_URL)) {
    const { openPostgresStore } = await import('./db/postgres');
    return openPostgresStore(config.DATABASE_URL, config.TZ_REGION);
  }
  if (config.DATABASE_URL) throw new Error(`DATABASE_URL must be postgres://… (or unset for SQLite), got ${config.DATABASE_URL.split(':')[0]}:`);
  const file = join(config.DATA_DIR, 'hazards.sqlite');
  return openSqliteStore(file, config.TZ_REGION);
}

/** The embedded store on one file (also for benchmarks and tests that build a store by hand). */
export async function openSqliteStore(file: string, tz: string): Promise<Store> {
  const db = openSqlite(file);
  try {
    const repo = await ChainStore.open(new SqliteDriver(db), tz);
    return { repo, tokens: new SqliteTokenStore(db), describe: `sqlite:${file}`, close: () => repo.close() };
  } catch (e) {
    db.close();
    throw e;
  }
}
