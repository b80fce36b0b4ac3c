/**
 * PostgreSQL for tests: each caller gets a database of its own (created from HZ_PG_URL, dropped afterwards),
 * so parallel test files never share a chain or an advisory lock. When the server is unreachable the
 * PostgreSQL tests are skipped with a plain message — unless HZ_REQUIRE_ALL=1 (CI), where they fail.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** scripts/run-tests.mjs sets it when PostgreSQL answers; the default is this machine's server. */
export const PG_URL = process.env.HZ_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REQUIRE_ALL = process.env.HZ_REQUIRE_ALL === '1';

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Why PostgreSQL cannot be used here, or null when it can. Throws under HZ_REQUIRE_ALL=1. */
export async function postgresMissing(): Promise<string | null> {
  try {
    await admin((c) => c.query('SELECT 1'));
    return null;
  } catch (e) {
    const why = `PostgreSQL not reachable at ${PG_URL.replace(/\/\/[^@/]*@/, '//')} (${e instanceof Error ? e.message : String(e)})`;
    if (REQUIRE_ALL) throw new Error(`${why}; HZ_REQUIRE_ALL=1 requires it`);
    console.log(`SKIPPED PostgreSQL tests: ${why}`);
    return why;
  }
}

export type TestDatabase = { url: string; name: string; drop(): Promise<void> };

/** A new, empty database; `drop()` removes it even while connections are still open. */
export async function freshDatabase(): Promise<TestDatabase> {
  const name = `hz_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
