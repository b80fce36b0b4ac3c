/**
 * Storage faults caused for real (issue 10): the server's data directory on a 8 MB tmpfs that fills up, on an
 * ext4 image that the kernel turns read-only after an error (errors=remount-ro, the way a failing disk goes),
 * and the evidence directory bind-mounted read-only; PostgreSQL made read-only under a running app.
 * Writes get 507 storage_full / 503 storage_read_only with Retry-After, never 500; reads keep working;
 * nothing of the failed write is stored; and once space or write access returns, writes succeed without a
 * restart. Mounting needs root (CI runs as root): elsewhere the file-system suites say plainly that they skipped.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Checkpointer, FAILURE_STREAK, type CheckpointProblem } from '../../server/db/checkpointer';
import { openSqlite } from '../../server/db/sqlite';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';
import { makeHazard, rng } from '../helpers/hazards';
import { api, postHazards, startApp, startServer, tempDir, type ChildServer, type InProcessServer } from '../helpers/server';

const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' }).toString();

/** Why this machine cannot mount file systems for the test, or null. */
function cannotMount(): string | null {
  if (process.getuid?.() !== 0) return 'not running as root';
  const probe = tempDir('hz-mount-probe-');
  try {
    sh('mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe);
    sh('umount', probe);
    return null;
  } catch (e) {
    return `mount -t tmpfs failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const noMount = cannotMount();
if (noMount) console.log(`SKIPPED storage-fault tests on tmpfs/ext4 (${noMount}); CI runs them as root`);

/** Writes a file until the disk says ENOSPC; returns its path (delete it to free the space). */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'a');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) {
      try {
        writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
        // the last partial chunk: fill to the last byte
        for (let n = 4096; n >= 1; n = Math.floor(n / 2)) {
          try {
            for (;;) writeSync(fd, chunk, 0, n);
          } catch {
            // smaller pieces next
          }
        }
        return path;
      }
    }
  } finally {
    closeSync(fd);
  }
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200_000, 7)]);

async function upload(url: string, token: string, id: string, bytes: Buffer): Promise<{ status: number; body: any; headers: Headers }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'evidence.png');
  const res = await fetch(`${url}/api/v1/hazards/${id}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

/** A batch that takes about 1 MB to store: more than any WAL space an earlier write left allocated. */
const bigBatch = (seed: number) => {
  const r = rng(seed);
  return Array.from({ length: 250 }, (_, i) => makeHazard(r, i, { id: `SF-${seed}-${i}`, description: `整改说明 ${'说明'.repeat(350)}` }));
};

/** What a reader sees: the chain head and the province summary. */
async function seen(url: string, token: string) {
  const head = await api(url, token, 'GET', '/api/v1/chain/head');
  const summary = await api(url, token, 'GET', '/api/v1/summary');
  const list = await api(url, token, 'GET', '/api/v1/hazards?limit=5');
  expect([head.status, summary.status, list.status]).toEqual([200, 200, 200]);
  return { head: head.body, totals: summary.body.totals };
}

/** `seen` once the live summary counts `total` hazards (it follows the chain a moment after a write). */
async function settled(url: string, token: string, total: number) {
  for (let i = 0; i < 100; i++) {
    const now = await seen(url, token);
    if (now.totals.total === total) return now;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`the summary never counted ${total} hazards`);
}

function expectFault(r: { status: number; body: any; headers: Headers }, status: number, code: string) {
  expect([r.status, r.body?.error?.code], JSON.stringify(r.body).slice(0, 300)).toEqual([status, code]);
  expect(r.body.error.message).toMatch(/reads keep working/);
  expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
}

const post = (s: { url: string; tokens: { admin: string } }, hazards: unknown[]) =>
  api(s.url, s.tokens.admin, 'POST', '/api/v1/hazards', { hazards });

async function until(what: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((res) => setTimeout(res, 20));
  }
}

describe.skipIf(noMount !== null)('WAL checkpoints on a full disk (8 MB tmpfs)', () => {
  it('fail, are counted and told; after a streak the thread is replaced and the writer checkpoints itself; with space again they work', async () => {
    const dir = tempDir('hz-tmpfs-wal-');
    sh('mount', '-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir);
    const file = join(dir, 'hazards.sqlite');
    const db = openSqlite(file);
    const checkpoints = new Checkpointer(db, 200);
    const told: CheckpointProblem[] = [];
    checkpoints.onProblem = (p) => told.push(p);
    const stats = checkpoints.stats;
    try {
      db.exec('CREATE TABLE blobs (b BLOB)');
      checkpoints.committed();
      await until(() => stats.runs >= 1);
      // 3 MB committed behind a reader's snapshot: in the WAL, not yet in the database file
      const reader = new Database(file, { readonly: true });
      reader.exec('BEGIN');
      reader.prepare('SELECT COUNT(*) FROM blobs').pluck().get();
      db.transaction(() => {
        for (let i = 0; i < 3; i++) db.prepare('INSERT INTO blobs (b) VALUES (randomblob(1048576))').run();
      })();
      checkpoints.committed();
      await until(() => stats.runs >= 2);
      expect(stats.leftPages).toBeGreaterThan(700);
      reader.exec('COMMIT');
      reader.close();
      // the disk fills up: copying those pages into the database file cannot grow it
      const filler = fill(dir);
      for (let i = 0; i < FAILURE_STREAK; i++) {
        const runs = stats.runs;
        checkpoints.committed();
        await until(() => stats.runs > runs);
      }
      expect(stats).toMatchObject({ failures: FAILURE_STREAK, streak: FAILURE_STREAK });
      expect(stats.lastError).toMatch(/full|disk/i);
      expect(told.map((p) => p.event)).toEqual([...Array(FAILURE_STREAK).fill('failed'), 'replaced']);
      // the thread is let go: the writer's connection checkpoints automatically meanwhile
      await until(() => stats.lost === 1);
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      // a new thread, the disk still full: it fails, but is replaced only after failures of its own in a row
      await new Promise((res) => setTimeout(res, 250));
      for (let i = 0; i < FAILURE_STREAK - 1; i++) {
        const runs = stats.runs;
        checkpoints.committed();
        await until(() => stats.runs > runs);
      }
      expect(stats).toMatchObject({ lost: 1, streak: 2 * FAILURE_STREAK - 1 });
      expect(told.filter((p) => p.event === 'replaced')).toHaveLength(1);
      // space again: a new thread copies the backlog, and says the checkpoints work again
      rmSync(filler);
      await new Promise((res) => setTimeout(res, 250));
      checkpoints.committed();
      await until(() => told.some((p) => p.event === 'recovered'));
      expect(stats).toMatchObject({ streak: 0, leftPages: 0, failures: 2 * FAILURE_STREAK - 1, lastError: null });
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      expect(statSync(file).size).toBeGreaterThan(3 * 1048576);
    } finally {
      await checkpoints.close();
      db.close();
      sh('umount', '-l', dir);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(noMount !== null)('a data directory on a 8 MB tmpfs that fills up', () => {
  let dir: string;
  let s: ChildServer;
  beforeAll(async () => {
    dir = tempDir('hz-tmpfs-');
    sh('mount', '-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir);
    s = await startServer({ dataDir: dir });
    expect((await postHazards(s.url, s.tokens.admin, [makeHazard(rng(1), 0, { id: 'SF-A' })])).body.accepted).toBe(1);
  });
  afterAll(async () => {
    await s?.kill();
    try {
      sh('umount', '-l', join(dir, 'attachments'));
    } catch {
      // not bind-mounted any more
    }
    sh('umount', '-l', dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers writes 507 storage_full, keeps reads working, stores nothing, and takes writes again once space is freed', async () => {
    const before = await seen(s.url, s.tokens.admin);
    const filler = fill(dir);
    const full = await post(s, bigBatch(2));
    expectFault(full, 507, 'storage_full');
    // one by one, too: whatever WAL space was left is used up, then every write is refused the same way
    let refused = 0;
    let fitted = 0;
    for (let i = 0; i < 30 && refused < 3; i++) {
      const r = await post(s, [makeHazard(rng(3), i, { id: `SF-small-${i}` })]);
      if (r.status === 200) fitted++;
      else {
        expectFault(r, 507, 'storage_full');
        refused++;
      }
    }
    expect(refused).toBe(3);
    const during = await seen(s.url, s.tokens.admin);
    expect((await api(s.url, s.tokens.admin, 'GET', '/api/v1/hazards/SF-A')).status).toBe(200);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    // the refused writes left no trace: only the small ones that still fitted in WAL space were stored
    expect((await api(s.url, s.tokens.admin, 'GET', '/api/v1/hazards/SF-2-0')).status).toBe(404);
    expect(during.head.seq - before.head.seq).toBe(fitted);

    rmSync(filler);
    const again = await post(s, bigBatch(2));
    expect([again.status, again.body.accepted], JSON.stringify(again.body).slice(0, 300)).toEqual([200, 250]);
    expect(s.output()).not.toMatch(/unhandled error/);
  });

  it('evidence on a full disk: 507 storage_full, no partial file left, stored once space returns', async () => {
    const filler = fill(dir);
    expectFault(await upload(s.url, s.tokens.admin, 'SF-A', PNG), 507, 'storage_full');
    const files = existsSync(join(dir, 'attachments')) ? readdirSync(join(dir, 'attachments'), { recursive: true }).map(String) : [];
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const history = (await api(s.url, s.tokens.admin, 'GET', '/api/v1/hazards/SF-A')).body.history as Array<{ kind: string }>;
    expect(history.filter((e) => e.kind === 'evidence')).toEqual([]);
    rmSync(filler);
    const ok = await upload(s.url, s.tokens.admin, 'SF-A', PNG);
    expect(ok.status).toBe(201);
    const back = await fetch(`${s.url}/api/v1/hazards/SF-A/attachments/${ok.body.id}`, { headers: { authorization: `Bearer ${s.tokens.admin}` } });
    expect(Buffer.from(await back.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('evidence directory made read-only (a read-only bind mount): 503 storage_read_only, writable again without a restart', async () => {
    const attachments = join(dir, 'attachments');
    mkdirSync(attachments, { recursive: true });
    sh('mount', '--bind', attachments, attachments);
    sh('mount', '-o', 'remount,bind,ro', attachments);
    expectFault(await upload(s.url, s.tokens.admin, 'SF-A', Buffer.concat([PNG, Buffer.from('ro')])), 503, 'storage_read_only');
    sh('umount', attachments);
    expect((await upload(s.url, s.tokens.admin, 'SF-A', Buffer.concat([PNG, Buffer.from('rw')]))).status).toBe(201);
  });
});

describe.skipIf(noMount !== null)('starting on a read-only data directory', () => {
  /** A server on a fresh tmpfs, `before` done to it, stopped, the tmpfs remounted read-only, started again. */
  async function onReadOnly(before: (s: ChildServer) => Promise<void>, then: (s: ChildServer | string) => Promise<void>) {
    const dir = tempDir('hz-ro-start-');
    sh('mount', '-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir);
    let s: ChildServer | undefined;
    try {
      s = await startServer({ dataDir: dir });
      await before(s);
      await s.stop();
      sh('mount', '-o', 'remount,ro', dir);
      const restarted = await s.restart().then(() => s!, (e: unknown) => String(e));
      await then(restarted);
    } finally {
      await s?.kill();
      sh('umount', '-l', dir);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('with writes in the WAL: exits with a message naming the read-only directory, not "unable to open database file"', async () => {
    await onReadOnly(
      async (s) => void expect((await postHazards(s.url, s.tokens.admin, [makeHazard(rng(9), 0, { id: 'RS-A' })])).body.accepted).toBe(1),
      async (r) => expect(r).toMatch(/cannot open the store in .*: the directory is read-only.*make it writable/),
    );
  });

  // After a clean stop SQLite usually leaves a WAL index a read-only open can use; but whether the stop was the last
  // connection (and so checkpointed) depends on the integrity and read threads' timing, which this test cannot fix.
  // Either outcome is a clear answer, and one of the two must happen: reads served with writes refused 503, or an exit
  // that names the read-only directory — never a crash with "unable to open database file", never a 500.
  it('after a clean stop: serves reads and answers writes 503 storage_read_only, or exits naming the read-only directory', async () => {
    await onReadOnly(async () => undefined, async (r) => {
      if (typeof r === 'string') {
        expect(r).toMatch(/cannot open the store in .*: the directory is read-only.*make it writable/);
        return;
      }
      expect((await api(r.url, r.tokens.admin, 'GET', '/api/v1/summary')).status).toBe(200);
      expectFault(await post(r, [makeHazard(rng(10), 0, { id: 'RS-B' })]), 503, 'storage_read_only');
    });
  });
});

describe.skipIf(noMount !== null)('the upload spool (TMPDIR) on a 2 MB tmpfs that fills up', () => {
  let spool: string;
  let s: ChildServer;
  beforeAll(async () => {
    spool = tempDir('hz-spool-');
    sh('mount', '-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', spool);
    s = await startServer({ env: { TMPDIR: spool } });
    expect((await postHazards(s.url, s.tokens.admin, [makeHazard(rng(8), 0, { id: 'SP-A' })])).body.accepted).toBe(1);
  });
  afterAll(async () => {
    await s?.kill();
    sh('umount', '-l', spool);
    rmSync(spool, { recursive: true, force: true });
  });

  it('an import or evidence upload that cannot be spooled gets 507 storage_full, not 400 malformed_multipart; freed, it works', async () => {
    const filler = fill(spool);
    const form = () => {
      const f = new FormData();
      f.append('file', new Blob(['隐患编号,所属地区,行业领域,隐患级别,隐患名称,企业名称,隐患来源,发现时间,整改期限\nSP-1,吕梁市离石区,煤矿,一般,通风设施缺陷,,部门检查,2024年11月18日,2024年12月18日\n'], { type: 'text/csv' }), 'ledger.csv');
      return f;
    };
    const importCsv = async () => {
      const res = await fetch(`${s.url}/api/v1/hazards/import`, { method: 'POST', headers: { authorization: `Bearer ${s.tokens.admin}` }, body: form() });
      return { status: res.status, body: await res.json(), headers: res.headers };
    };
    expectFault(await importCsv(), 507, 'storage_full');
    expectFault(await upload(s.url, s.tokens.admin, 'SP-A', PNG), 507, 'storage_full');
    rmSync(filler);
    const ok = await importCsv();
    expect([ok.status, ok.body.accepted]).toEqual([200, 1]);
  });
});

describe.skipIf(noMount !== null)('a data directory the kernel turns read-only after a disk error (ext4, errors=remount-ro)', () => {
  let image: string;
  let dir: string;
  let s: ChildServer;
  beforeAll(async () => {
    const base = tempDir('hz-ext4-');
    image = join(base, 'disk.img');
    dir = join(base, 'mnt');
    mkdirSync(dir);
    sh('truncate', '-s', '32M', image);
    sh('mkfs.ext4', '-q', '-F', image);
    sh('mount', '-o', 'loop,errors=remount-ro', image, dir);
    s = await startServer({ dataDir: dir });
    expect((await postHazards(s.url, s.tokens.admin, [makeHazard(rng(4), 0, { id: 'RO-A' })])).body.accepted).toBe(1);
  });
  afterAll(async () => {
    await s?.kill();
    sh('umount', '-l', dir);
    rmSync(join(image, '..'), { recursive: true, force: true });
  });

  it('answers writes 503 storage_read_only and keeps reads working', async () => {
    const before = await settled(s.url, s.tokens.admin, 1);
    const device = sh('findmnt', '-n', '-o', 'SOURCE', dir).trim().split('/').pop()!;
    // what ext4 does on a metadata error: with errors=remount-ro it stops every write at once
    sh('sh', '-c', `echo 1 > /sys/fs/ext4/${device}/trigger_fs_error`);
    expect(sh('findmnt', '-n', '-o', 'OPTIONS', dir)).toMatch(/^ro,|emergency_ro/);
    expectFault(await post(s, [makeHazard(rng(5), 0, { id: 'RO-B' })]), 503, 'storage_read_only');
    expectFault(await api(s.url, s.tokens.admin, 'POST', '/api/v1/hazards/RO-A/transitions', { to: 'rectifying' }), 503, 'storage_read_only');
    expectFault(await upload(s.url, s.tokens.admin, 'RO-A', PNG), 503, 'storage_read_only');
    expect(await seen(s.url, s.tokens.admin)).toEqual(before);
    expect((await api(s.url, s.tokens.admin, 'GET', '/api/v1/hazards/RO-B')).status).toBe(404);
    expect(s.output()).not.toMatch(/unhandled error/);
  });
});

const missing = await postgresMissing();

describe.skipIf(missing !== null)('PostgreSQL turned read-only under a running app (default_transaction_read_only)', () => {
  let db: TestDatabase;
  let s: InProcessServer;
  let admin: pg.Client;
  beforeAll(async () => {
    db = await freshDatabase();
    s = await startApp({ env: { DATABASE_URL: db.url } });
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  afterAll(async () => {
    await s?.close();
    await admin?.end();
    await db?.drop();
  });

  /** Sets the database's default and ends the app's sessions, so its pool reconnects with it. */
  async function readOnly(on: boolean) {
    await admin.query(on ? `ALTER DATABASE ${db.name} SET default_transaction_read_only = on` : `ALTER DATABASE ${db.name} RESET default_transaction_read_only`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name]);
  }
  /** The first requests after the sessions ended may meet a dropped connection (503 store_unavailable): retried. */
  async function write(id: string) {
    for (let i = 0; ; i++) {
      const r = await post(s, [makeHazard(rng(6), 0, { id })]);
      if (r.body?.error?.code !== 'store_unavailable' || i > 20) return r;
      await new Promise((ok) => setTimeout(ok, 200));
    }
  }

  it('answers writes 503 storage_read_only (SQLSTATE 25006), reads keep working, writes recover without a restart', async () => {
    expect((await write('PG-A')).body.accepted).toBe(1);
    await readOnly(true);
    expectFault(await write('PG-B'), 503, 'storage_read_only');
    const during = await seen(s.url, s.tokens.admin);
    expect((await api(s.url, s.tokens.admin, 'GET', '/api/v1/hazards/PG-B')).status).toBe(404);
    await readOnly(false);
    const again = await write('PG-B');
    expect(again.body.accepted).toBe(1);
    expect((await seen(s.url, s.tokens.admin)).head.seq).toBe(during.head.seq + 1);
  });
});
