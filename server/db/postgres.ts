import type { Store } from '../store';

/** PostgreSQL store: not built yet (the SQLite store is the one implemented; see docs/ARCHITECTURE.md). */
export async function openPostgresStore(_url: string, _tz: string): Promise<Store> {
  throw new Error('DATABASE_URL=postgres://… is not supported yet: unset it to use the embedded SQLite store');
}
