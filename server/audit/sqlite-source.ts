/**
 * The audit's view of a SQLite store: opened read-only (the audit never migrates or writes), all reads
 * in one transaction, so a server writing meanwhile cannot make the chain and the table disagree.
 */
import Database from 'better-sqlite3';
import type { ChangeRow } from '../hazards/changes';
import type { AuditSource, HazardTableRow } from './verify';
import { portAuditSource } from '../auth/auth-chain';

const HAZARD_COLUMNS = [
  'id', 'region_code', 'city_code', 'sector', 'level', 'status', 'source', 'deadline', 'listed_by', 'discovered_at', 'discovered_day',
  'reported_at', 'updated_at', 'closed_at', 'closed_day', 'extensions', 'created_seq', 'updated_seq', 'content_hash', 'input',
] as const satisfies ReadonlyArray<keyof HazardTableRow>;

/**
 * Rows as arrays (better-sqlite3's `raw`), made objects here: about half the CPU of its own row objects, which the
 * check paid for every one of a million hazards and more changes (docs/PERFORMANCE.md "Integrity check").
 */
function* changeRows(rows: Iterable<unknown[]>): Iterable<ChangeRow> {
  for (const r of rows) {
    yield { seq: r[0], hazard_id: r[1], kind: r[2], at: r[3], recorded_at: r[4], actor: r[5], payload: r[6], prev_hash: r[7], hash: r[8] } as ChangeRow;
  }
}

function* hazardRows(rows: Iterable<unknown[]>): Iterable<HazardTableRow> {
  for (const r of rows) {
    yield {
      id: r[0], region_code: r[1], city_code: r[2], sector: r[3], level: r[4], status: r[5], source: r[6], deadline: r[7], listed_by: r[8],
      discovered_at: r[9], discovered_day: r[10], reported_at: r[11], updated_at: r[12], closed_at: r[13], closed_day: r[14],
      extensions: r[15], created_seq: r[16], updated_seq: r[17], content_hash: r[18], input: r[19],
    } as HazardTableRow;
  }
}

export function openSqliteAuditSource(file: string): { source: AuditSource; close(): void } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.exec('BEGIN');
  const meta = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
  const source: AuditSource = {
    changes: () => changeRows(db.prepare('SELECT seq, hazard_id, kind, at, recorded_at, actor, payload, prev_hash, hash FROM changes ORDER BY seq').raw().iterate() as Iterable<unknown[]>),
    // in the table's own order (rowid), not the primary key's: one pass over the table instead of a lookup per row
    hazards: () => hazardRows(db.prepare(`SELECT ${HAZARD_COLUMNS.join(', ')} FROM hazards ORDER BY rowid`).raw().iterate() as Iterable<unknown[]>),
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
