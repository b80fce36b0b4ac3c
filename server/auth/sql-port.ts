/**
 * The few SQL operations the account, token and attachment stores need, over either database: plain
 * reads and writes, and one audited write — data statements and the next `auth_changes` link in one
 * transaction, so no token, user or session row changes without its record in the chain.
 * Statements are written once with `?` placeholders; the PostgreSQL side numbers them.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { sealAuthChange, type AuthChangeDraft, type AuthChangeRow } from './auth-chain';

export type Param = string | number | null | Buffer;
export type Stmt = { sql: string; params: Param[]; /** roll back (and answer false) unless it changed a row */ mustChange?: boolean };

export interface SqlPort {
  readonly dialect: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: Param[]): Promise<T[]>;
  run(sql: string, params?: Param[]): Promise<number>;
  /** Runs the statements, then appends the change to the chain; false (nothing written) when a mustChange did not. */
  audited(stmts: Stmt[], change: AuthChangeDraft): Promise<boolean>;
}

const HEAD_SQL = 'SELECT seq, hash FROM auth_changes ORDER BY seq DESC LIMIT 1';
const INSERT_SQL = 'INSERT INTO auth_changes (seq, at, kind, subject, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)';
const rowParams = (r: AuthChangeRow): Param[] => [r.seq, r.at, r.kind, r.subject, r.data, r.prev_hash, r.hash];

class Rollback extends Error {}

export function sqlitePort(db: Database.Database): SqlPort {
  // prepared once per statement text: every authenticated request reads the tokens table (docs/perf/ingest.md)
  const prepared = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let st = prepared.get(sql);
    if (!st) prepared.set(sql, (st = db.prepare(sql)));
    return st;
  };
  const tx = db.transaction((stmts: Stmt[], change: AuthChangeDraft) => {
    for (const s of stmts) {
      const n = db.prepare(s.sql).run(...s.params).changes;
      if (s.mustChange && n === 0) throw new Rollback();
    }
    const head = db.prepare(HEAD_SQL).get() as { seq: number; hash: string } | undefined;
    db.prepare(INSERT_SQL).run(...rowParams(sealAuthChange(change, head ?? null)));
  });
  return {
    dialect: 'sqlite',
    all: async <T>(sql: string, params: Param[] = []) => prepare(sql).all(...params) as T[],
    run: async (sql, params = []) => prepare(sql).run(...params).changes,
    audited: async (stmts, change) => {
      try {
        // IMMEDIATE: the write lock first, so two processes on one file cannot read the same head
        tx.immediate(stmts, change);
        return true;
      } catch (e) {
        if (e instanceof Rollback) return false;
        throw e;
      }
    },
  };
}

const numbered = (sql: string): string => {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
};

/** Advisory lock key of the auth chain ('hzauth' as digits): nodes append to it one at a time. */
export const AUTH_CHAIN_LOCK = 0x687a61757468;

export function postgresPort(pool: pg.Pool): SqlPort {
  return {
    dialect: 'postgres',
    all: async <T>(sql: string, params: Param[] = []) => (await pool.query(numbered(sql), params)).rows as T[],
    run: async (sql, params = []) => (await pool.query(numbered(sql), params)).rowCount ?? 0,
    audited: async (stmts, change) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [AUTH_CHAIN_LOCK]);
        for (const s of stmts) {
          const n = (await client.query(numbered(s.sql), s.params)).rowCount ?? 0;
          if (s.mustChange && n === 0) {
            await client.query('ROLLBACK');
            return false;
          }
        }
        const head = (await client.query<{ seq: number; hash: string }>(HEAD_SQL)).rows[0];
        await client.query(numbered(INSERT_SQL), rowParams(sealAuthChange(change, head ?? null)));
        await client.query('COMMIT');
        return true;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
  };
}
