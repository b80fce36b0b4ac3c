/**
 * The integrity check on PostgreSQL answers when the database hangs instead of failing (server/audit/integrity.ts,
 * server/workers/integrity-worker.ts): a network that stops passing bytes, or a statement kept waiting on a lock
 * (a migration's ACCESS EXCLUSIVE), made the check wait for ever — the first check left the node `checking` for
 * good, a later one kept every further check waiting behind it. The check's client has a connect, statement and
 * query timeout, and the check answers `unavailable` once one passes, whether or not the connection lets go.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyInWorker } from '../../server/audit/integrity';
import { makeHazard, rng } from '../helpers/hazards';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';
import { postHazards, startApp, tempDir } from '../helpers/server';
import { cuttableProxy, type CuttableProxy } from '../helpers/tcp-proxy';

const pgMissing = await postgresMissing();
const TZ = 'Asia/Shanghai';

describe.skipIf(pgMissing !== null)('the integrity check against a PostgreSQL that hangs', () => {
  let db: TestDatabase;
  let proxy: CuttableProxy;
  let proxied: string;

  beforeAll(async () => {
    db = await freshDatabase();
    const s = await startApp({ env: { DATABASE_URL: db.url, INTEGRITY_CHECK_MINUTES: '0' } });
    const r = rng(95);
    const batch = Array.from({ length: 200 }, (_, i) => makeHazard(r, i, { id: `ST-${i}` }));
    expect((await postHazards(s.url, s.tokens.admin, batch)).body.accepted).toBe(200);
    await s.close();
    const url = new URL(db.url);
    proxy = await cuttableProxy(Number(url.port || 5432), url.hostname);
    url.port = String(proxy.port);
    proxied = url.toString();
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    await db?.drop();
  });

  const setup = () => ({ DATABASE_URL: proxied, DATA_DIR: tempDir(), tz: TZ, queryTimeoutMs: 1500 });

  it('passes through the proxy when it flows', async () => {
    expect(await verifyInWorker(setup())).toMatchObject({ status: 'ok' });
  }, 60_000);

  it('answers unavailable when no byte passes (the connect waits for ever)', async () => {
    proxy.stall();
    try {
      const v = await verifyInWorker(setup(), undefined, 2);
      expect(v.status).toBe('unavailable');
    } finally {
      await proxy.mend();
    }
  }, 60_000);

  it('answers unavailable when a statement waits on a lock held elsewhere', async () => {
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE changes IN ACCESS EXCLUSIVE MODE');
      const v = await verifyInWorker(setup());
      expect(v).toMatchObject({ status: 'unavailable' });
      expect(v.message).toMatch(/timeout/i);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
    // the lock gone, the same check passes
    expect(await verifyInWorker(setup())).toMatchObject({ status: 'ok' });
  }, 60_000);
});
