/**
 * Several server processes on one PostgreSQL database (DATABASE_URL): migrations when nodes start together,
 * writes from two app instances at once (one total order, one unbroken chain that the audit verifies, equal
 * aggregates on both nodes after catching up), and a chain end changed outside the application.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresAuditSource } from '../../server/audit/postgres-source';
import { verify } from '../../server/audit/verify';
import { GENESIS_HASH, hashRow, type ChangeRow } from '../../server/hazards/changes';
import { openStore } from '../../server/store';
import { PROVINCE_CODE } from '../../shared/regions';
import type { HazardInput } from '../../shared/schemas';
import { makeHazard, rng } from '../helpers/hazards';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';
import { api, postHazards, startApp, type InProcessServer } from '../helpers/server';
import { ACTOR, TZ, fixedHazard, prepared } from '../helpers/stores';

const ROOT = resolve(import.meta.dirname, '../..');
const pgMissing = await postgresMissing();

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

function audit(url: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/audit.ts', 'verify'], {
    cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8', timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe.skipIf(pgMissing !== null)('several nodes on one PostgreSQL database', () => {
  let db: TestDatabase;
  let a: InProcessServer;
  let b: InProcessServer;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('migrates once when three nodes start at the same moment', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => openStore({ DATA_DIR: 'unused', DATABASE_URL: db.url, TZ_REGION: TZ })));
    for (const s of stores) await s.close();
    const done = await query<{ version: string }>(db.url, 'SELECT version FROM schema_migrations ORDER BY version');
    expect(done.map((r) => r.version)).toEqual(readdirSync(join(ROOT, 'server/db/migrations/postgres')).filter((f) => f.endsWith('.sql')).sort());
  });

  it('two app instances writing at once keep one contiguous chain, and agree after catching up', async () => {
    a = await startApp({ env: { DATABASE_URL: db.url } });
    b = await startApp({ env: { DATABASE_URL: db.url } });
    const r = rng(7);
    const sent: HazardInput[] = [];
    const batch = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => makeHazard(r, sent.length + i, { id: `${prefix}-${sent.length + i}` }));
    for (let round = 0; round < 6; round++) {
      const fromA = batch('A', 40);
      sent.push(...fromA);
      const fromB = batch('B', 40);
      sent.push(...fromB);
      const acts = sent.slice(0, 20 * round).filter((_, i) => i % 7 === round).map((h, i) =>
        api(i % 2 ? a.url : b.url, i % 2 ? a.tokens.admin : b.tokens.admin, 'POST', `/api/v1/hazards/${h.id}/extensions`, { deadline: `2099-0${1 + round}-01`, reason: '并发延期' }));
      const res = await Promise.all([postHazards(a.url, a.tokens.reporter, fromA), postHazards(b.url, b.tokens.reporter, fromB), ...acts]);
      expect(res[0]!.body).toMatchObject({ accepted: 40 });
      expect(res[1]!.body).toMatchObject({ accepted: 40 });
      for (const x of res.slice(2)) expect(x.status, JSON.stringify(x.body)).toBe(200);
    }
    // the same transition on both nodes at once: decided one after the other, so exactly one wins
    const target = sent[3]!.id;
    const race = await Promise.all([a, b].map((n) => api(n.url, n.tokens.admin, 'POST', `/api/v1/hazards/${target}/transitions`, { to: 'rectifying' })));
    expect(race.map((x) => x.status).sort()).toEqual([200, 409]);

    const rows = await query<ChangeRow>(db.url, 'SELECT * FROM changes ORDER BY seq');
    expect(rows.map((x) => Number(x.seq))).toEqual(rows.map((_, i) => i + 1));
    rows.forEach((x, i) => {
      expect(x.prev_hash, `change ${x.seq}`).toBe(i ? rows[i - 1]!.hash : GENESIS_HASH);
      expect(hashRow({ ...x, seq: Number(x.seq) }), `change ${x.seq}`).toBe(x.hash);
    });
    const { source, close } = await openPostgresAuditSource(db.url);
    const report = await verify(source, TZ);
    await close();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, changes: rows.length, hazards: sent.length });

    // no catch-up asked for: each node's change feed hears the other's commits (LISTEN/NOTIFY) by itself
    await expect.poll(() => a.app.feed.status().seq, { timeout: 5000 }).toBe(rows.length);
    await expect.poll(() => b.app.feed.status().seq, { timeout: 5000 }).toBe(rows.length);
    for (const region of [PROVINCE_CODE, '141100', '140100']) {
      const [sa, sb] = await Promise.all([a, b].map(async (n) => (await api(n.url, n.tokens.viewer, 'GET', `/api/v1/summary?region=${region}`)).body));
      const { asOf: _x, ...ra } = sa;
      const { asOf: _y, ...rb } = sb;
      expect(ra, region).toEqual(rb);
    }
    expect((await api(a.url, a.tokens.viewer, 'GET', '/api/v1/summary')).body.totals.total).toBe(sent.length);
  });

  it('npm run audit -- verify reads the configured PostgreSQL store, and names a row changed outside the application', async () => {
    const ok = audit(db.url);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^verified \d+ changes, 480 hazards(?:, \d+ auth records)?, head \d+:[0-9a-f]{64}/);
    const [victim] = await query<{ id: string }>(db.url, "SELECT id FROM hazards WHERE status = 'reported' ORDER BY id LIMIT 1");
    await query(db.url, "UPDATE hazards SET status = 'closed' WHERE id = $1", [victim!.id]);
    const bad = audit(db.url);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`hazard ${victim!.id}: status is "closed" in the table, the history says "reported"`);
    await query(db.url, "UPDATE hazards SET status = 'reported' WHERE id = $1", [victim!.id]);
  });

  it('refuses to write, and to start, when the chain end is not the one the application wrote', async () => {
    const store = await openStore({ DATA_DIR: 'unused', DATABASE_URL: db.url, TZ_REGION: TZ });
    try {
      await query(db.url, 'DELETE FROM changes WHERE seq = (SELECT MAX(seq) FROM changes)');
      await expect(store.repo.ingest(prepared([fixedHazard(1)]), ACTOR, new Date().toISOString())).rejects.toThrow(/meta chain_head/);
      await expect(openStore({ DATA_DIR: 'unused', DATABASE_URL: db.url, TZ_REGION: TZ })).rejects.toThrow(/changed outside the application/);
      expect(audit(db.url).code).toBe(1);
    } finally {
      await store.close();
    }
  });
});
