/**
 * WAL checkpoints run in a thread of their own (server/db/checkpointer.ts), not inside the writer's COMMIT on the
 * event loop: the writer's connection does not checkpoint automatically while the thread runs, the thread copies
 * the committed pages into the database file, and when the thread is gone the writer checkpoints as SQLite does
 * by default. Every acknowledged write is there, checkpointed or not.
 */
import Database from 'better-sqlite3';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Checkpointer } from '../../server/db/checkpointer';
import { openSqlite } from '../../server/db/sqlite';
import { SqliteDriver } from '../../server/db/sqlite.driver';
import { ChainStore } from '../../server/hazards/chain.store';
import { normalise } from '../../server/hazards/normalise';
import { HazardInputSchema } from '../../shared/schemas';
import { makeHazard, rng } from '../helpers/hazards';
import { tempDir } from '../helpers/server';
import { ACTOR, TZ } from '../helpers/stores';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open() {
  const dir = tempDir('hz-wal-');
  dirs.push(dir);
  const file = join(dir, 'hazards.sqlite');
  const db = openSqlite(file);
  const driver = new SqliteDriver(db);
  const repo = await ChainStore.open(driver, TZ);
  return { file, db, driver, repo };
}

const r = rng(11);
let next = 0;
const batch = (n: number) => Array.from({ length: n }, () => normalise(HazardInputSchema.parse(makeHazard(r, next, { id: `W-${String(next++).padStart(6, '0')}` })), TZ));

async function until(what: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((res) => setTimeout(res, 50));
  }
}

describe('WAL checkpoints off the event loop', () => {
  it('the thread checkpoints after commits; the writer does not', async () => {
    const { file, db, driver, repo } = await open();
    const before = statSync(file).size;
    for (let i = 0; i < 6; i++) await repo.ingest(batch(500), ACTOR, new Date().toISOString());
    // the writer's own automatic checkpoint is off while the thread runs
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await until(() => (driver.checkpointStats?.runs ?? 0) >= 1 && statSync(file).size > before + 1_000_000);
    expect(driver.checkpointStats).toMatchObject({ failures: 0, lost: 0 });
    await repo.close();
    // every write is in the file, as read by a fresh connection
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) FROM hazards').pluck().get()).toBe(3000);
    check.close();
  });

  it('while a reader holds an old snapshot the WAL grows; the writer leaves it to the thread, which copies the backlog once the reader lets go', async () => {
    const dir = tempDir('hz-wal-');
    dirs.push(dir);
    const file = join(dir, 'hazards.sqlite');
    const db = openSqlite(file);
    const checkpoints = new Checkpointer(db);
    // every checkpoint the writer's own connection is asked for (the real connection, counted on the way through)
    let writerCheckpoints = 0;
    const pragma = db.pragma.bind(db);
    db.pragma = ((source: string, options?: Database.PragmaOptions) => {
      if (/wal_checkpoint/i.test(source)) writerCheckpoints++;
      return pragma(source, options);
    }) as typeof db.pragma;
    const runs = () => checkpoints.stats.runs;
    const commit = async (mb: number) => {
      const before = { runs: runs(), writer: writerCheckpoints };
      db.transaction(() => {
        for (let i = 0; i < mb; i++) db.prepare('INSERT INTO blobs (b) VALUES (randomblob(1048576))').run();
      })();
      checkpoints.committed();
      // the thread's checkpoint after this commit (or the writer's own, which the last line refuses)
      await until(() => runs() > before.runs || writerCheckpoints > before.writer);
    };
    db.exec('CREATE TABLE blobs (b BLOB)');
    await commit(1);
    const reader = new Database(file, { readonly: true });
    try {
      reader.exec('BEGIN');
      reader.prepare('SELECT COUNT(*) FROM blobs').pluck().get();
      // 80 MB behind the reader's snapshot: over 20,000 pages the thread cannot copy
      for (let i = 0; i < 10; i++) await commit(8);
      expect(checkpoints.stats.leftPages).toBeGreaterThan(16_000);
      const held = statSync(file).size;
      expect(held).toBeLessThan(10 * 1048576);
      reader.exec('COMMIT');
      await commit(1);
      // the thread copied them into the database file; the writer never checkpointed on the event loop
      expect(statSync(file).size).toBeGreaterThan(held + 80 * 1048576);
      expect(checkpoints.stats).toMatchObject({ failures: 0, lost: 0, leftPages: 0 });
      expect(writerCheckpoints).toBe(0);
    } finally {
      reader.close();
      await checkpoints.close();
      db.close();
    }
  });

  it('when the thread is gone, the writer checkpoints as SQLite does by default', async () => {
    const { db, driver, repo } = await open();
    await repo.ingest(batch(10), ACTOR, new Date().toISOString());
    await until(() => (driver.checkpointStats?.runs ?? 0) >= 1);
    const worker = (driver as unknown as { checkpoints: { worker: { terminate(): Promise<number> } } }).checkpoints.worker;
    await worker.terminate();
    await until(() => (driver.checkpointStats?.lost ?? 0) === 1);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await repo.ingest(batch(10), ACTOR, new Date().toISOString());
    expect(await repo.headSeq()).toBe(20);
    await repo.close();
  });
});
