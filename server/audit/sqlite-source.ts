/**
 * The audit's view of a SQLite store: opened read-only (the audit never migrates or writes), all reads
 * in one transaction, so a server writing meanwhile cannot make the chain and the table disagree.
 */
import Database from 'better-sqlite3';
import type { ChangeRow } from '../hazards/changes';
import type { AuditSource, HazardTableRow } from './verify';
import { portAuditSource } from '../auth/auth-chain';

export function openSqliteAuditSource(file: string): { source: AuditSource; close(): void } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.exec('BEGIN');
  const meta = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
  const source: AuditSource = {
    changes: () => db.prepare('SELECT * FROM changes ORDER BY seq').iterate() as Iterable<ChangeRow>,
    hazards: () => db.prepare('SELECT * FROM hazards ORDER BY id').iterate() as Iterable<HazardTableRow>,
    meta: (key) => (meta.get(key) as string | undefined) ?? null,
    auth: portAuditSource(async <T>(sql: string) => db.prepare(sql).all() as T[]),
    // as the store's driver binds them: named parameters, none passed when there are none
    query: async <T>(sql: string, params?: Record<string, unknown>) =>
      db.prepare(sql).all(...(params && Object.keys(params).length ? [params] : [])) as T[],
  };
  return {
    source,
    close: () => {
      db.exec('COMMIT');
      db.close();
    },
  };
}
