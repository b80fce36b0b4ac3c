import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { storageFaultAtStart } from './storage-fault';

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations', 'sqlite');

/**
 * Opens (creating if needed) the SQLite database and applies pending migrations in order.
 * WAL with synchronous=FULL: a commit is on disk before it returns, so an acknowledged report
 * survives a crash or a power cut.
 */
export function openSqlite(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -65536');
    migrate(db);
    return db;
  } catch (e) {
    db?.close();
    // "unable to open database file" says nothing to an operator whose DATA_DIR is read-only or full
    const why = file === ':memory:' ? null : storageFaultAtStart(e, dirname(file));
    throw why ? new Error(why, { cause: e }) : e;
  }
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as string[]);
  for (const file of readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).sort()) {
    if (done.has(file)) continue;
    db.transaction(() => {
      db.exec(readFileSync(join(MIGRATIONS, file), 'utf8'));
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(file, new Date().toISOString());
    })();
  }
}
