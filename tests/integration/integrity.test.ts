/**
 * A store edited behind the server's back is not served as truth (docs/SECURITY.md "Edited store"):
 * the SQLite file (or a PostgreSQL row) is changed while the server is down; on restart the server
 * starts flagged — /healthz 503 `integrity_failed` naming the first bad record, sockets told by
 * `server:integrity` — where it used to show the forged counts silently.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { IntegrityNotice } from '../../shared/events';
import { api, postHazards, startApp, startServer, type ChildServer } from '../helpers/server';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';

const hazards = Array.from({ length: 6 }, (_, i) => ({
  id: `INT-${i}`, regionCode: '141102', sector: 'coal', level: i % 2 ? 'general' : 'major', title: `完整性 ${i}`,
  discoveredAt: '2024-11-18T09:30:00+08:00', deadline: '2025-01-10',
}));

async function seeded(): Promise<ChildServer> {
  const s = await startServer({ env: { INTEGRITY_CHECK_MINUTES: '0' } });
  expect((await postHazards(s.url, s.tokens.reporter, hazards)).body.accepted).toBe(6);
  expect((await api(s.url, s.tokens.reporter, 'POST', '/api/v1/hazards/INT-3/transitions', { to: 'rejected', note: '重复上报' })).status).toBe(200);
  const health = await api(s.url, undefined, 'GET', '/healthz');
  expect(health.body).toMatchObject({ status: 'ok', integrity: { status: 'ok' } });
  return s;
}

/** Edits the stopped server's file, restarts it, returns /healthz and the socket's integrity notice. */
async function afterEdit(s: ChildServer, edit: (db: Database.Database) => void) {
  await s.stop();
  const db = new Database(join(s.dataDir, 'hazards.sqlite'));
  try {
    edit(db);
  } finally {
    db.close();
  }
  await s.restart();
  const health = await api(s.url, undefined, 'GET', '/healthz');
  const socket = connect(s.url, { auth: { token: s.tokens.viewer }, transports: ['websocket'], reconnection: false, forceNew: true });
  const notice = await new Promise<IntegrityNotice>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no server:integrity within 5 s')), 5000);
    socket.once('server:integrity', (n) => {
      clearTimeout(timer);
      resolve(n);
    });
  });
  socket.close();
  await s.stop();
  return { health, notice };
}

describe('an edited SQLite file', () => {
  it.each<[string, (db: Database.Database) => void, RegExp]>([
    ['a major hazard lowered to general in the table', (db) => void db.prepare("UPDATE hazards SET level = 'general' WHERE id = 'INT-0'").run(), /^hazard INT-0$/],
    ['a deadline moved', (db) => void db.prepare("UPDATE hazards SET deadline = '2026-06-30' WHERE id = 'INT-2'").run(), /^hazard INT-2$/],
    ['a row deleted', (db) => void db.prepare("DELETE FROM hazards WHERE id = 'INT-4'").run(), /^hazard INT-4$/],
    ['a change deleted from the middle of the chain', (db) => void db.prepare('DELETE FROM changes WHERE seq = 3').run(), /^change 3$/],
    // the auth chain is checked too (in the same worker thread): a token nobody created through the application
    ['a token row inserted', (db) => void db.prepare("INSERT INTO tokens (id, hash, role, region, name, created_at) VALUES ('forged01', 'f00d', 'admin', '140000', 'forged', '2024-11-18T00:00:00.000Z')").run(), /^token forged01$/],
    // the briefing's per-day counts, a second projection the briefings and the 隐患来源 slide sum
    ['a per-day count of the briefing raised', (db) => {
      // the newest day: after the last mark, so the briefing reads the row itself (an older one is read through its marks)
      expect(db.prepare('UPDATE briefing_days SET open_n = open_n + 5 WHERE (day, region_code, axis, code, level) = (SELECT day, region_code, axis, code, level FROM briefing_days WHERE open_n > 0 ORDER BY day DESC LIMIT 1)').run().changes).toBe(1);
    }, /^table briefing_days$/],
  ])('%s → starts flagged, naming the record', async (_what, edit, record) => {
    const s = await seeded();
    const { health, notice } = await afterEdit(s, edit);
    expect(health.status).toBe(503);
    expect(health.body.status).toBe('integrity_failed');
    expect(health.body.integrity.status).toBe('failed');
    expect(health.body.integrity.record).toMatch(record);
    expect(notice.status).toBe('failed');
    expect(notice.record).toMatch(record);
  }, 120_000);
});

const pgMissing = await postgresMissing();

describe.skipIf(pgMissing !== null)('an edited PostgreSQL row', () => {
  it.each<[string, string, string]>([
    ['a major hazard lowered in the table', "UPDATE hazards SET level = 'general' WHERE id = 'INT-0'", 'hazard INT-0'],
    [
      'a per-day count of the briefing lowered',
      'UPDATE briefing_days SET open_n = open_n - 1 WHERE ctid = (SELECT ctid FROM briefing_days WHERE open_n > 0 ORDER BY day DESC LIMIT 1)',
      'table briefing_days',
    ],
  ])('%s before a restart → flagged', async (_what, sql, record) => {
    const db: TestDatabase = await freshDatabase();
    try {
      const env = { DATABASE_URL: db.url, INTEGRITY_CHECK_MINUTES: '0' };
      const first = await startApp({ env });
      expect((await postHazards(first.url, first.tokens.reporter, hazards)).body.accepted).toBe(6);
      expect((await api(first.url, undefined, 'GET', '/healthz')).body.integrity.status).toBe('ok');
      await first.close();
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const edited = await c.query(sql).finally(() => c.end());
      expect(edited.rowCount).toBe(1);
      const again = await startApp({ env });
      try {
        const health = await api(again.url, undefined, 'GET', '/healthz');
        expect(health.status).toBe(503);
        expect(health.body.integrity).toMatchObject({ status: 'failed', record });
      } finally {
        await again.close();
      }
    } finally {
      await db.drop();
    }
  }, 60_000);
});
