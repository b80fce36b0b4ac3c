/**
 * SQL helpers of the PostgreSQL driver (server/db/postgres.driver.ts). Multi-row inserts: one statement per table whatever the batch size,
 * each column sent as one array and expanded by unnest — a fixed number of parameters (no 65535 limit), one
 * round trip. And the dialect bridge for the chain store's portable SQL (chain-driver.ts).
 */
import type { Db } from '../db/pg-pool';
import type { NewHazardRow } from './chain-driver';
import type { ChangeRow } from './changes';


export async function insertChanges(db: Db, rows: readonly ChangeRow[]): Promise<void> {
  if (!rows.length) return;
  await db.query(
    `INSERT INTO changes (seq, hazard_id, kind, at, recorded_at, actor, payload, prev_hash, hash)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`,
    [
      rows.map((r) => r.seq), rows.map((r) => r.hazard_id), rows.map((r) => r.kind), rows.map((r) => r.at),
      rows.map((r) => r.recorded_at), rows.map((r) => r.actor), rows.map((r) => r.payload), rows.map((r) => r.prev_hash),
      rows.map((r) => r.hash),
    ],
  );
}

/** New hazards start `reported`, unlisted, with no extensions; reported_at = updated_at = `recordedAt`. */
export async function insertHazards(db: Db, rows: readonly NewHazardRow[], recordedAt: string): Promise<void> {
  if (!rows.length) return;
  await db.query(
    `INSERT INTO hazards (id, region_code, city_code, sector, level, status, source, deadline, listed_by, discovered_at,
       discovered_day, reported_at, updated_at, closed_at, closed_day, extensions, created_seq, updated_seq, content_hash, input)
     SELECT t.id, t.region_code, t.city_code, t.sector, t.level, 'reported', t.source, t.deadline, NULL, t.discovered_at,
       t.discovered_day, $13, $13, NULL, NULL, 0, t.seq, t.seq, t.content_hash, t.input
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
       $10::text[], $11::text[], $12::bigint[])
       AS t(id, region_code, city_code, sector, level, source, deadline, discovered_at, discovered_day, content_hash, input, seq)`,
    [
      rows.map((r) => r.id), rows.map((r) => r.regionCode), rows.map((r) => r.cityCode), rows.map((r) => r.sector),
      rows.map((r) => r.level), rows.map((r) => r.source), rows.map((r) => r.deadline), rows.map((r) => r.discoveredAt),
      rows.map((r) => r.discoveredDay), rows.map((r) => r.contentHash), rows.map((r) => r.input), rows.map((r) => r.seq),
      recordedAt,
    ],
  );
}

/**
 * Portable SQL written for both stores (named @parameters, camelCase aliases) in PostgreSQL's dialect:
 * `$n` placeholders, and aliases quoted, since PostgreSQL folds unquoted names to lower case.
 */
export function pgDialect(sql: string, named: Record<string, unknown>): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const index = new Map<string, number>();
  const text = sql
    .replace(/@([A-Za-z_]\w*)/g, (_m, name: string) => {
      if (!(name in named)) throw new Error(`no value for @${name}`);
      if (!index.has(name)) index.set(name, values.push(named[name]));
      return `$${index.get(name)}`;
    })
    .replace(/\bAS ([a-z]+[A-Z]\w*)/g, 'AS "$1"');
  return { text, values };
}
