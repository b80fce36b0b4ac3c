/**
 * People's accounts through the real server: the user CLI and its one-time password, sign-in with the
 * httpOnly SameSite=Strict cookie, the same 401 for an unknown user and a wrong password, lockout per
 * account, logout, the idle expiry, disabled people — on SQLite, and sign-in on PostgreSQL too.
 */
import { execFile, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { openStore } from '../../server/store';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';
import { PASSWORD, asPerson, createPerson, signIn } from '../helpers/people';
import { startApp, tempDir, type InProcessServer } from '../helpers/server';

const ROOT = resolve(import.meta.dirname, '../..');
const cli = (dataDir: string, args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/user.ts', ...args], {
    cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' }, encoding: 'utf8', input,
  });

/** The CLI while the in-process server runs: asynchronously, so the server keeps answering meanwhile. */
const cliAsync = (dataDir: string, args: string[]) =>
  new Promise<{ status: number; stdout: string }>((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/cli/user.ts', ...args], {
      cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' }, encoding: 'utf8',
    }, (err, stdout) => done({ status: err ? Number(err.code ?? 1) : 0, stdout }));
  });

describe('npm run user (CLI) and first sign-in', () => {
  const dataDir = tempDir();
  let s: InProcessServer;
  let oneTime: string;

  beforeAll(() => {
    const r = cli(dataDir, ['create', '--username', 'wang.li', '--display-name', '王丽', '--role', 'reporter', '--region', '141102']);
    expect(r.status, r.stderr).toBe(0);
    oneTime = r.stdout.trim().split('\n').at(-1)!;
    const chosen = cli(dataDir, ['create', '--username', 'zhao', '--display-name', '赵强', '--role', 'viewer', '--region', '141100', '--password-stdin'], `${PASSWORD}\n`);
    expect(chosen.status, chosen.stderr).toBe(0);
    expect(chosen.stdout).not.toContain(PASSWORD);
  });
  beforeAll(async () => {
    s = await startApp({ dataDir });
  });
  afterAll(async () => s?.close());

  it('prints a one-time password on the last line, lists people, and refuses bad input with exit 2', async () => {
    expect(oneTime).toMatch(/^[A-Za-z0-9]{16}$/);
    const list = await cliAsync(dataDir, ['list']);
    expect(list.stdout).toMatch(/^wang\.li\t王丽\treporter\t141102\tinspection\t.*\tmust change password$/m);
    expect(list.stdout).toMatch(/^zhao\t赵强\tviewer\t141100\t.*\tactive$/m);
    expect((await cliAsync(dataDir, ['create', '--username', 'x', '--display-name', 'X', '--role', 'display'])).status).toBe(2);
    expect((await cliAsync(dataDir, ['create', '--username', 'wang.li', '--display-name', '重名', '--role', 'viewer'])).status).toBe(2);
  });

  it('a one-time password must be changed before anything else', async () => {
    const first = await signIn(s.url, 'wang.li', oneTime);
    expect(first.status).toBe(200);
    expect(first.body.user).toEqual({ username: 'wang.li', displayName: '王丽', role: 'reporter', region: '141102', source: 'inspection', mustChangePassword: true });
    expect(first.setCookie).toMatch(/^hz_session=hs_[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect((await asPerson(s.url, first.cookie, 'GET', '/api/v1/summary')).body.error.code).toBe('password_change_required');
    expect((await asPerson(s.url, first.cookie, 'GET', '/api/v1/session')).body.user).toMatchObject({ username: 'wang.li', mustChangePassword: true });
    const weak = await asPerson(s.url, first.cookie, 'POST', '/api/v1/session/password', { current: oneTime, next: 'short' });
    expect([weak.status, weak.body.error.code]).toEqual([400, 'weak_password']);
    const changed = await asPerson(s.url, first.cookie, 'POST', '/api/v1/session/password', { current: oneTime, next: PASSWORD });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect((await asPerson(s.url, first.cookie, 'GET', '/api/v1/summary?region=141102')).status).toBe(200);
    expect((await signIn(s.url, 'wang.li', oneTime)).status).toBe(401); // spent
  });

  it('answers an unknown user and a wrong password with the same 401', async () => {
    const unknown = await signIn(s.url, 'nobody', PASSWORD);
    const wrong = await signIn(s.url, 'zhao', 'not the password');
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(unknown.body).toEqual({ error: { code: 'invalid_credentials', message: 'wrong username or password' } });
    expect(unknown.setCookie).toBe('');
  });

  it('locks an account after 5 wrong passwords (429), even for the right one, and unknown names alike', async () => {
    // one wrong password for zhao already, in the test above: four more make five
    for (let i = 0; i < 4; i++) expect((await signIn(s.url, 'zhao', `wrong-${i}`)).status).toBe(401);
    const locked = await signIn(s.url, 'zhao', PASSWORD);
    expect([locked.status, locked.body.error.code]).toEqual([429, 'too_many_failures']);
    for (let i = 0; i < 5; i++) await signIn(s.url, 'ghost', `wrong-${i}`);
    expect((await signIn(s.url, 'ghost', PASSWORD)).status).toBe(429);
  });

  it('logout ends the session; a working day idle ends it; disabling ends it', async () => {
    const store = await openStore(loadConfig({ DATA_DIR: dataDir }));
    await createPerson(store.tokens, 'li.na', '李娜', 'reporter', '141102');
    await store.close();
    const a = await signIn(s.url, 'li.na');
    expect((await asPerson(s.url, a.cookie, 'DELETE', '/api/v1/session')).status).toBe(204);
    expect((await asPerson(s.url, a.cookie, 'GET', '/api/v1/session')).status).toBe(401);

    const b = await signIn(s.url, 'li.na');
    const db = new Database(join(dataDir, 'hazards.sqlite'));
    db.prepare("UPDATE sessions SET last_seen = ? WHERE username = 'li.na' AND ended_at IS NULL").run(new Date(Date.now() - 11 * 3600_000).toISOString());
    db.close();
    expect((await asPerson(s.url, b.cookie, 'GET', '/api/v1/session')).status).toBe(401);

    const c = await signIn(s.url, 'li.na');
    expect((await asPerson(s.url, c.cookie, 'GET', '/api/v1/session')).status).toBe(200);
    expect((await cliAsync(dataDir, ['disable', 'li.na'])).status).toBe(0);
    expect((await asPerson(s.url, c.cookie, 'GET', '/api/v1/session')).status).toBe(401);
    expect((await signIn(s.url, 'li.na')).status).toBe(401);
  });

  it('reset-password prints a new one-time password and ends the old sessions', async () => {
    const before = await signIn(s.url, 'wang.li');
    const r = await cliAsync(dataDir, ['reset-password', 'wang.li']);
    expect(r.status).toBe(0);
    const pw = r.stdout.trim().split('\n').at(-1)!;
    expect((await asPerson(s.url, before.cookie, 'GET', '/api/v1/session')).status).toBe(401);
    expect((await signIn(s.url, 'wang.li', pw)).body.user.mustChangePassword).toBe(true);
  });
});

describe('sign-in on PostgreSQL', () => {
  let db: TestDatabase | undefined;
  let s: InProcessServer | undefined;
  beforeAll(async () => {
    if (await postgresMissing()) return;
    db = await freshDatabase();
    s = await startApp({ env: { DATABASE_URL: db.url } });
    const store = await openStore(loadConfig({ DATABASE_URL: db.url }));
    await createPerson(store.tokens, 'pg.user', '省厅值班员', 'viewer', '140000');
    await store.close();
  });
  afterAll(async () => {
    await s?.close();
    await db?.drop();
  });

  it('signs in, reads, and logs out', async (ctx) => {
    if (!s) return ctx.skip();
    const a = await signIn(s.url, 'pg.user');
    expect(a.status).toBe(200);
    expect((await asPerson(s.url, a.cookie, 'GET', '/api/v1/summary')).status).toBe(200);
    expect((await signIn(s.url, 'pg.user', 'wrong password!')).status).toBe(401);
    expect((await asPerson(s.url, a.cookie, 'DELETE', '/api/v1/session')).status).toBe(204);
    expect((await asPerson(s.url, a.cookie, 'GET', '/api/v1/summary')).status).toBe(401);
  });
});
