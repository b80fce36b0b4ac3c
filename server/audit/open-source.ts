/** The store the configuration names, opened for the audit only (read-only, no migrations): SQLite or PostgreSQL. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';
import { openPostgresAuditSource } from './postgres-source';
import { openSqliteAuditSource } from './sqlite-source';
import type { AuditSource } from './verify';

export type OpenedSource = { source: AuditSource; close(): void | Promise<void> };

/**
 * The opened source, or why it cannot be opened (a message for the operator). `timeoutMs`: on PostgreSQL, the
 * longest a connect or a statement may take (postgres-source.ts); none when not given.
 */
export async function openAuditSource(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>, timeoutMs?: number): Promise<OpenedSource | string> {
  if (config.DATABASE_URL) {
    if (!/^postgres(ql)?:/.test(config.DATABASE_URL)) return 'DATABASE_URL must be postgres://… (or unset for the SQLite file in DATA_DIR)';
    return openPostgresAuditSource(config.DATABASE_URL, timeoutMs);
  }
  const file = join(config.DATA_DIR, 'hazards.sqlite');
  if (!existsSync(file)) return `no database at ${file} (set DATA_DIR, or DATABASE_URL for PostgreSQL)`;
  return openSqliteAuditSource(file);
}
