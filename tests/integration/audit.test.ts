/**
 * `npm run audit -- verify` against a history made through the real server, then tampered with
 * directly in the SQLite file: every edit, removal and insertion is caught and the record named.
 */
import Database from 'better-sqlite3';
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteAuditSource } from '../../server/audit/sqlite-source';
import { verify } from '../../server/audit/verify';
import { sealChange, rowToChange, type ChangeRow } from '../../server/hazards/changes';
import { rng, makeHazard } from '../helpers/hazards';
import { until } from '../helpers/multinode';
import { api, postHazards, startServer, tempDir, type ChildServer } from '../helpers/server';

const ROOT = resolve(import.meta.dirname, '../..');
const DB = 'hazards.sqlite';

type Run = { code: number | null; out: string; err: string };
/** The CLI as a child process (async, so the tamper cases run side by side). */
function audit(dataDir: string, ...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/cli/audit.ts', ...args], {
      cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8', timeout: 60_000,
    }, (err, out, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, out, err: stderr }));
  });
}

let pristine: string;
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
let head: { seq: number; hash: string };
let ids: string[];
const metrics = { text: '' };

beforeAll(async () => {
  const s: ChildServer = await startServer({ env: { LOG_LEVEL: 'info' } });
  try {
    const r = rng(42);
    const hazards = Array.from({ length: 30 }, (_, i) => makeHazard(r, i, { level: 'major', deadline: '2099-06-30' }));
    ids = hazards.map((h) => h.id);
    expect((await postHazards(s.url, s.tokens.reporter, hazards)).body.accepted).toBe(30);
    const act = async (id: string, path: string, body: unknown) => {
      const res = await api(s.url, s.tokens.admin, 'POST', `/api/v1/hazards/${id}/${path}`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    for (const id of ids.slice(0, 8)) await act(id, 'transitions', { to: 'rectifying' });
    for (const id of ids.slice(0, 4)) await act(id, 'transitions', { to: 'rectified' });
    for (const id of ids.slice(0, 2)) await act(id, 'transitions', { to: 'closed' });
    await act(ids[3]!, 'transitions', { to: 'rectifying', note: '验收未通过' });
    await act(ids[10]!, 'escalations', { level: 'general', note: '复核为一般隐患' });
    await act(ids[11]!, 'listing', { by: 'province', document: '晋安办〔2024〕1号' });
    await act(ids[12]!, 'extensions', { deadline: '2099-12-31', reason: '设备采购周期长' });
    await act(ids[13]!, 'transitions', { to: 'rejected', note: '重复上报' });
    head = (await api(s.url, s.tokens.admin, 'GET', '/api/v1/chain/head')).body;
    // each write request is in the server's log with its token, beside the history
    const adminId = /^hz_([^_]+)_/.exec(s.tokens.admin)![1];
    // a write's line is logged when its response has finished and reaches us through the child's stdout pipe:
    // the last ones may still be on their way when the next answer is already here
    const writeLines = () => s.output().split('\n').filter((l) => l.includes('"msg":"write"') && l.includes(`"token":"${adminId}"`));
    await until(() => writeLines().length >= 19, 10_000, () => `${writeLines().length} of 19 write lines logged`);
    const writes = writeLines();
    expect(writes.length).toBeGreaterThanOrEqual(19);
    expect(JSON.parse(writes[0]!)).toMatchObject({ method: 'POST', status: 200, role: 'admin', path: expect.stringMatching(/^\/api\/v1\/hazards\/.+\/transitions$/) });
    metrics.text = await (await fetch(`${s.url}/metrics`)).text();
    await postHazards(s.url, s.tokens.reporter, [makeHazard(r, 99)]); // one more after the head was copied
  } finally {
    await s.stop();
  }
  pristine = s.dataDir;
  made.push(pristine);
});

/** verify() in this process, reporting as the CLI does. */
async function auditHere(dir: string): Promise<Run> {
  const { source, close } = openSqliteAuditSource(join(dir, DB));
  try {
    const report = await verify(source, 'Asia/Shanghai');
    const [first] = report.problems;
    return { code: report.ok ? 0 : 1, out: '', err: first ? `NOT VERIFIED: ${first.record}: ${first.message}\n` : '' };
  } finally {
    close();
  }
}

/** A copy of the pristine store, changed by `tamper` with nothing but SQL. */
function tampered(tamper: (db: Database.Database) => void): string {
  const dir = tempDir('hz-audit-');
  made.push(dir);
  for (const f of [DB, `${DB}-wal`]) if (existsSync(join(pristine, f))) copyFileSync(join(pristine, f), join(dir, f));
  const db = new Database(join(dir, DB));
  try {
    tamper(db);
  } finally {
    db.close();
  }
  return dir;
}

const lastSeq = (db: Database.Database) => db.prepare('SELECT MAX(seq) FROM changes').pluck().get() as number;
const change = (db: Database.Database, seq: number) => db.prepare('SELECT * FROM changes WHERE seq = ?').get(seq) as ChangeRow;
const reportedSeq = (db: Database.Database, id: string) =>
  db.prepare("SELECT seq FROM changes WHERE hazard_id = ? AND kind = 'reported'").pluck().get(id) as number;

describe('audit verify', () => {
  it('verifies the untouched history and prints the head the server exposes', async () => {
    const r = await audit(pristine, 'verify');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const m = /^verified (\d+) changes, (\d+) hazards(?:, \d+ auth records)?, head (\d+):([0-9a-f]{64})$/m.exec(r.out)!;
    expect(m).not.toBeNull();
    expect(Number(m[2])).toBe(31);
    expect(Number(m[1])).toBe(head.seq + 1);
    expect(Number(m[3])).toBe(head.seq + 1);
    // the head copied earlier (API and /metrics agree) is still in the chain
    expect(metrics.text).toContain(`hz_chain_head{hash="${head.hash}"} ${head.seq}`);
    expect((await audit(pristine, 'verify', '--expect', `${head.seq}:${head.hash}`)).code).toBe(0);
  });

  it('is wired as `npm run audit -- verify`', () => {
    const r = spawnSync('npm', ['run', '--silent', 'audit', '--', 'verify'], { cwd: ROOT, env: { ...process.env, DATA_DIR: pristine }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^verified \d+ changes, 31 hazards(?:, \d+ auth records)?, head \d+:[0-9a-f]{64}$/m);
  });

  it.concurrent.each<[string, (db: Database.Database) => string, RegExp, 'cli' | 'in-process']>([
    ['(1) an edited change payload', (db) => {
      const seq = reportedSeq(db, ids[5]!);
      db.prepare("UPDATE changes SET payload = replace(payload, '\"level\":\"major\"', '\"level\":\"general\"') WHERE seq = ?").run(seq);
      return `change ${seq}`;
    }, /does not match its hash/, 'cli'],
    ['(2) an edited hazard status', (db) => {
      db.prepare("UPDATE hazards SET status = 'closed' WHERE id = ?").run(ids[6]);
      return `hazard ${ids[6]}`;
    }, /status is "closed" in the table, the history says "rectifying"/, 'cli'],
    ['(3) a change removed from the middle', (db) => {
      const seq = reportedSeq(db, ids[15]!);
      db.prepare('DELETE FROM changes WHERE seq = ?').run(seq);
      return `change ${seq}`;
    }, /missing: the chain jumps from change \d+ to change \d+/, 'cli'],
    ['(4) the last change removed', (db) => {
      const seq = lastSeq(db);
      db.prepare('DELETE FROM changes WHERE seq = ?').run(seq);
      return `change ${seq}`;
    }, /missing: chain_head records/, 'cli'],
    ['(5) a forged change appended with a correct hash and a matching row', (db) => forge(db, false), /not written by the application/, 'cli'],
    ['(5b) … with chain_head moved too, but the row left alone', (db) => forge(db, true), /status is "rectified" in the table, the history says "closed"/, 'in-process'],
    ['(6) a hazard row inserted with no history', (db) => {
      const row = db.prepare('SELECT * FROM hazards WHERE id = ?').get(ids[20]) as Record<string, unknown>;
      db.prepare(`INSERT INTO hazards (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map(() => '?').join(', ')})`)
        .run(...Object.values({ ...row, id: 'AAA-FORGED-1' }));
      return 'hazard AAA-FORGED-1';
    }, /has no history/, 'cli'],
    ['(7) a hazard row deleted', (db) => {
      db.prepare('DELETE FROM hazards WHERE id = ?').run(ids[21]);
      return `hazard ${ids[21]}`;
    }, /row is missing from the hazards table/, 'in-process'],
    ['(8) an edited actor', (db) => {
      const seq = reportedSeq(db, ids[22]!);
      db.prepare("UPDATE changes SET actor = replace(actor, 'test-reporter', 'someone-else') WHERE seq = ?").run(seq);
      return `change ${seq}`;
    }, /does not match its hash/, 'in-process'],
  ])('catches %s and names the record', async (_what, tamper, why, how) => {
    let record = '';
    const dir = tampered((db) => {
      record = tamper(db);
    });
    // the six cases of the issue go through the CLI as a child process; the extra ones call the same verify()
    const r = how === 'cli' ? await audit(dir, 'verify') : await auditHere(dir);
    expect(r.code, r.out + r.err).toBe(1);
    const first = /^NOT VERIFIED: (.+?): (.+)$/m.exec(r.err)!;
    expect(first, r.err).not.toBeNull();
    expect(first[1]).toBe(record);
    expect(first[2]).toMatch(why);
  });

  it('a history rewritten consistently is caught only against a head kept elsewhere', async () => {
    const dir = tampered((db) => {
      // edit one early report, fix its hazard row to match, re-seal every later change and move chain_head
      const from = reportedSeq(db, ids[2]!);
      const rows = db.prepare('SELECT * FROM changes WHERE seq >= ? ORDER BY seq').all(from) as ChangeRow[];
      let prev = change(db, from - 1).hash;
      const update = db.prepare('UPDATE changes SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?');
      for (const row of rows) {
        const c = rowToChange(row);
        if (row.seq === from) {
          (c.payload.data as { title: string }).title = '已被篡改';
          const input = JSON.stringify(c.payload.data);
          db.prepare('UPDATE hazards SET input = ?, content_hash = ? WHERE id = ?').run(input, createHash('sha256').update(input).digest('hex'), ids[2]);
        }
        const sealed = sealChange(c, prev).row;
        update.run(sealed.payload, sealed.prev_hash, sealed.hash, row.seq);
        prev = sealed.hash;
      }
      db.prepare("UPDATE meta SET value = ? WHERE key = 'chain_head'").run(`${rows.at(-1)!.seq}:${prev}`);
    });
    // the stored data alone is consistent again: this is the limit docs/SECURITY.md states
    expect((await auditHere(dir)).code).toBe(0);
    const withCopy = await audit(dir, 'verify', '--expect', `${head.seq}:${head.hash}`);
    expect(withCopy.code).toBe(1);
    expect(withCopy.err).toMatch(new RegExp(`^NOT VERIFIED: change ${head.seq}: its hash differs from the head kept elsewhere`, 'm'));
  });

  it('refuses a malformed --expect and a missing store with exit 2', async () => {
    const runs = await Promise.all([audit(pristine, 'verify', '--expect', 'nonsense'), audit(tempDir('hz-empty-'), 'verify')]);
    expect(runs.map((r) => r.code)).toEqual([2, 2]);
  });

  it('the server refuses to start on a store whose last change was removed or appended outside it', async () => {
    const dir = tampered((db) => void db.prepare('DELETE FROM changes WHERE seq = ?').run(lastSeq(db)));
    await expect(startServer({ dataDir: dir })).rejects.toThrow(/changed outside the application/);
  });
});

/** Appends a forged transition (rectified → closed) sealed exactly as the application seals. */
function forge(db: Database.Database, moveHead: boolean): string {
  const last = change(db, lastSeq(db));
  const target = db.prepare("SELECT * FROM hazards WHERE status = 'rectified' LIMIT 1").get() as { id: string; region_code: string; sector: string; level: string; deadline: string };
  const facts = { regionCode: target.region_code, sector: target.sector, level: target.level, deadline: target.deadline, listed: false };
  const now = new Date().toISOString();
  const { row } = sealChange({
    seq: last.seq + 1, hazardId: target.id, kind: 'transition', at: now, recordedAt: now,
    actor: { tokenId: 'forged', name: 'test-admin', role: 'admin' },
    payload: { data: { from: 'rectified', to: 'closed' }, before: { ...facts, status: 'rectified' } as never, after: { ...facts, status: 'closed' } as never },
  }, last.hash);
  db.prepare('INSERT INTO changes (seq, hazard_id, kind, at, recorded_at, actor, payload, prev_hash, hash) VALUES (@seq, @hazard_id, @kind, @at, @recorded_at, @actor, @payload, @prev_hash, @hash)').run(row);
  if (moveHead) {
    db.prepare("UPDATE meta SET value = ? WHERE key = 'chain_head'").run(`${row.seq}:${row.hash}`);
  } else {
    db.prepare("UPDATE hazards SET status = 'closed', closed_at = ?, updated_seq = ?, updated_at = ? WHERE id = ?").run(now, row.seq, now, target.id);
  }
  return moveHead ? `hazard ${target.id}` : `change ${row.seq}`;
}
