/**
 * The integrity check keeps the event loop free and covers the auth chain (issue 10): the verification runs in
 * a worker thread of its own (server/workers/integrity-worker.ts), so while it walks a store of 3,000 hazards
 * this thread goes on turning (counted with setImmediate: ordering, not timing); the same walk on this thread —
 * what the server did before — lets the loop turn not once. A revocation undone in the tokens table is named.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { Integrity, verifyInWorker } from '../../server/audit/integrity';
import { openAuditSource } from '../../server/audit/open-source';
import { verify } from '../../server/audit/verify';
import { createLogger } from '../../server/logger';
import { makeHazard, rng } from '../helpers/hazards';
import { api, createTokens, postHazards, startApp, tempDir } from '../helpers/server';

const TZ = 'Asia/Shanghai';
let dir: string;
let revoked: string;

beforeAll(async () => {
  dir = tempDir();
  const s = await startApp({ dataDir: dir, env: { INTEGRITY_CHECK_MINUTES: '0' } });
  const r = rng(77);
  for (let k = 0; k < 3; k++) {
    const batch = Array.from({ length: 1000 }, (_, i) => makeHazard(r, k * 1000 + i, { id: `IW-${k}-${i}` }));
    expect((await postHazards(s.url, s.tokens.admin, batch)).body.accepted).toBe(1000);
  }
  const { doomed } = await createTokens(dir, { doomed: { role: 'display', name: 'to-be-revoked' } });
  revoked = doomed!.split('_')[1]!;
  expect((await api(s.url, doomed, 'GET', '/api/v1/summary')).status).toBe(200);
  await s.close();
  const db = new Database(join(dir, 'hazards.sqlite'));
  expect(db.prepare("UPDATE tokens SET revoked_at = '2026-01-01T00:00:00.000Z' WHERE id = ?").run(revoked).changes).toBe(1);
  db.close();
});

/** Resolves `work` while counting how often the event loop got round to a setImmediate meanwhile. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let done = false;
  const spin = () => {
    if (done) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  const value = await work();
  done = true;
  return { value, turns };
}

describe('the integrity check in a worker thread', () => {
  it('verifies 3,000 hazards and the auth chain off this thread while the event loop keeps turning', async () => {
    const { value, turns } = await turnsDuring(() => verifyInWorker({ DATA_DIR: dir, tz: TZ }));
    expect(value.threadId).not.toBe(threadId);
    expect(value.threadId).toBeGreaterThan(0);
    // the revocation above was made outside the application: the auth chain says the token is not revoked
    expect(value).toMatchObject({ status: 'failed', record: `token ${revoked}` });
    expect(turns).toBeGreaterThan(20);
  }, 60_000);

  it('the same walk on this thread (the old way) holds the loop: the measure tells them apart', async () => {
    const { value, turns } = await turnsDuring(async () => {
      const opened = await openAuditSource({ DATA_DIR: dir });
      if (typeof opened === 'string') throw new Error(opened);
      try {
        return await verify(opened.source, TZ);
      } finally {
        await opened.close();
      }
    });
    expect(value.changes).toBeGreaterThanOrEqual(3000); // and the day turn
    expect(turns).toBeLessThanOrEqual(1);
  }, 60_000);

  it('Integrity reports the worker verdict: failed, naming the token, with the auth chain counted once repaired', async () => {
    const integrity = new Integrity(() => verifyInWorker({ DATA_DIR: dir, tz: TZ }), createLogger('silent'));
    expect(await integrity.check()).toMatchObject({ status: 'failed', record: `token ${revoked}` });
    expect(integrity.failed).toBe(true);
    const db = new Database(join(dir, 'hazards.sqlite'));
    db.prepare('UPDATE tokens SET revoked_at = NULL WHERE id = ?').run(revoked);
    db.close();
    const again = await integrity.check();
    expect(again.status).toBe('ok');
    expect(again.changes).toBeGreaterThanOrEqual(3000);
    expect(again.authChanges).toBeGreaterThan(4);
  }, 60_000);
});

describe('a first check that cannot run', () => {
  it('keeps the node checking (never ok unverified) and checks again, on one thread, until it answers', async () => {
    const missing = tempDir();
    const threads: number[] = [];
    const integrity = new Integrity((onProgress, n, signal) => {
      threads.push(n);
      return verifyInWorker({ DATA_DIR: missing, tz: TZ }, onProgress, n, signal);
    }, createLogger('silent'), { retryMs: 50 });
    try {
      await integrity.check();
      // no store there yet: the check's threads could not open it — that is no verdict that the store holds
      expect(integrity.checking).toBe(true);
      expect(integrity.state.message).toMatch(/no database at/);
      // the store comes (a copy of the one above): the next attempt answers
      await new Promise<void>((r, j) => {
        const src = new Database(join(dir, 'hazards.sqlite'), { readonly: true });
        src.backup(join(missing, 'hazards.sqlite')).then(() => r(), j).finally(() => src.close());
      });
      await expect.poll(() => integrity.state.status, { timeout: 60_000, interval: 100 }).not.toBe('checking');
      expect(integrity.state.status).not.toBe('unavailable');
      expect(threads[0]).toBe(2);
      expect(threads.slice(1).every((n) => n === 1)).toBe(true);
    } finally {
      integrity.stop();
      await integrity.settled();
    }
  }, 90_000);
});
