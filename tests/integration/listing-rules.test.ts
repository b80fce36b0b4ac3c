/**
 * 谁挂牌谁销号 with real people signed in: a county official reports and rectifies with a 五落实 plan and
 * evidence, the province lists, a county cannot close, extend, downgrade or lift what the province
 * listed, the province accepts with its opinion and closes; every history entry names its person; the
 * audit then verifies, and catches an inserted token row and an undone revocation.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { openStore } from '../../server/store';
import { PNG_1PX, asPerson, createPerson, signIn, upload } from '../helpers/people';
import { api, startApp, type InProcessServer } from '../helpers/server';

const ROOT = resolve(import.meta.dirname, '../..');
const COUNTY = '141102'; // 吕梁市离石区
const OTHER_COUNTY = '140105'; // 太原市小店区
const CITY = '141100';

let s: InProcessServer;
const who: Record<'county' | 'city' | 'province' | 'other', string> = { county: '', city: '', province: '', other: '' };
const as = (p: keyof typeof who, method: string, path: string, body?: unknown) => asPerson(s.url, who[p], method, path, body);
const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

const audit = () =>
  new Promise<{ code: number; out: string }>((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/cli/audit.ts', 'verify'], {
      cwd: ROOT, env: { ...process.env, DATA_DIR: s.dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' }, encoding: 'utf8',
    }, (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }));
  });

beforeAll(async () => {
  s = await startApp();
  const store = await openStore(loadConfig({ DATA_DIR: s.dataDir }));
  await createPerson(store.tokens, 'ls.wang', '王建国', 'reporter', COUNTY);
  await createPerson(store.tokens, 'll.liu', '刘敏', 'reporter', CITY);
  await createPerson(store.tokens, 'sx.chen', '陈志远', 'reporter', '140000');
  await createPerson(store.tokens, 'xd.zhou', '周平', 'reporter', OTHER_COUNTY);
  await store.close();
  who.county = (await signIn(s.url, 'ls.wang')).cookie;
  who.city = (await signIn(s.url, 'll.liu')).cookie;
  who.province = (await signIn(s.url, 'sx.chen')).cookie;
  who.other = (await signIn(s.url, 'xd.zhou')).cookie;
});
afterAll(async () => s?.close());

const report = (id: string, level: 'major' | 'general') =>
  as('county', 'POST', '/api/v1/hazards', {
    id, regionCode: COUNTY, sector: 'coal', level, title: `挂牌规则 ${id}`, discoveredAt: new Date(Date.now() - 3600_000).toISOString(),
    ...(level === 'major' ? { deadline: days(20) } : {}),
  });

describe('supervised listing as the rules say', () => {
  it('lists only major hazards (409 for a general one)', async () => {
    expect((await report('LR-G', 'general')).status).toBe(200);
    const r = await as('province', 'POST', '/api/v1/hazards/LR-G/listing', { by: 'province' });
    expect([r.status, r.body.error.code]).toEqual([409, 'not_major']);
  });

  it('a county person cannot close, extend, downgrade or lift what the province listed; it still rectifies', async () => {
    expect((await report('LR-1', 'major')).status).toBe(200);
    expect((await as('province', 'POST', '/api/v1/hazards/LR-1/listing', { by: 'province', document: '晋安委督〔2026〕1号' })).status).toBe(200);
    const plan = { responsible: '矿长 张三', measures: '停产整顿，更换主通风机', funds: '120万元', deadline: days(15), contingency: '撤人预案已备案' };
    const rect = await as('county', 'POST', '/api/v1/hazards/LR-1/transitions', { to: 'rectifying', plan });
    expect(rect.status, JSON.stringify(rect.body)).toBe(200);

    const refusals = [
      await as('county', 'POST', '/api/v1/hazards/LR-1/extensions', { deadline: days(60), reason: '再延期' }),
      await as('county', 'POST', '/api/v1/hazards/LR-1/escalations', { level: 'general', note: '降级' }),
      await as('city', 'DELETE', '/api/v1/hazards/LR-1/listing', { note: '市里摘牌' }),
    ];
    for (const r of refusals) {
      expect(r.status, JSON.stringify(r.body)).toBe(403);
      expect(r.body.error).toMatchObject({ code: 'listed_by_higher_level', details: { listedBy: 'province' } });
      expect(r.body.error.message).toContain('province');
    }

    const shot = await upload(s.url, who.county, 'LR-1', PNG_1PX, '整改后.png', 'image/png');
    expect(shot.status, JSON.stringify(shot.body)).toBe(201);
    expect(shot.body).toMatchObject({ id: expect.stringMatching(/^att_/), name: '整改后.png', size: PNG_1PX.length, type: 'image/png' });
    expect((await as('county', 'POST', '/api/v1/hazards/LR-1/transitions', { to: 'rectified', note: '已完成整改' })).status).toBe(200);
    const close = await as('county', 'POST', '/api/v1/hazards/LR-1/transitions', { to: 'closed' });
    expect([close.status, close.body.error.code]).toEqual([403, 'listed_by_higher_level']);

    const fail = await as('province', 'POST', '/api/v1/hazards/LR-1/transitions', { to: 'rectifying', opinion: '通风系统未复测' });
    expect(fail.body.status).toBe('rectifying');
    await as('county', 'POST', '/api/v1/hazards/LR-1/transitions', { to: 'rectified' });
    const ok = await as('province', 'POST', '/api/v1/hazards/LR-1/transitions', { to: 'closed', opinion: '复查合格，同意销号' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);

    const h = (await as('city', 'GET', '/api/v1/hazards/LR-1')).body;
    expect(h.history.map((e: { kind: string }) => e.kind)).toEqual(['reported', 'listing', 'transition', 'evidence', 'transition', 'transition', 'transition', 'transition']);
    expect(h.history[0].actor).toEqual({ kind: 'user', username: 'ls.wang', displayName: '王建国', role: 'reporter', region: COUNTY });
    expect(h.history[1].actor).toMatchObject({ kind: 'user', username: 'sx.chen', region: '140000' });
    expect(h.history[2].data.plan).toEqual(plan);
    expect(h.history[3].data).toEqual({ attachment: shot.body.id, sha256: shot.body.sha256, name: '整改后.png', size: PNG_1PX.length, type: 'image/png' });
    expect(h.history[5].data.acceptance).toEqual({ result: 'failed', by: '陈志远', opinion: '通风系统未复测' });
    expect(h.history[7].data.acceptance).toEqual({ result: 'passed', by: '陈志远', opinion: '复查合格，同意销号' });
  });

  it('lifting (摘牌) by the listing level: kept in history, listed falls', async () => {
    expect((await report('LR-2', 'major')).status).toBe(200);
    expect((await as('city', 'POST', '/api/v1/hazards/LR-2/listing', { by: 'city' })).status).toBe(200);
    const listed = (await as('city', 'GET', `/api/v1/summary?region=${CITY}`)).body.totals.listed;
    expect((await as('county', 'DELETE', '/api/v1/hazards/LR-2/listing', { note: '县里摘牌' })).status).toBe(403);
    expect((await as('city', 'DELETE', '/api/v1/hazards/LR-2/listing', {})).status).toBe(400); // a note is required
    const lifted = await as('city', 'DELETE', '/api/v1/hazards/LR-2/listing', { note: '隐患已消除，经研究摘牌' });
    expect(lifted.body.listedBy).toBeNull();
    expect((await as('city', 'GET', `/api/v1/summary?region=${CITY}`)).body.totals.listed).toBe(listed - 1);
    const again = await as('city', 'DELETE', '/api/v1/hazards/LR-2/listing', { note: '再摘' });
    expect([again.status, again.body.error.code]).toEqual([409, 'not_listed']);
    const h = (await as('city', 'GET', '/api/v1/hazards/LR-2')).body;
    expect(h.history.at(-1)).toMatchObject({ kind: 'delisting', data: { from: 'city', note: '隐患已消除，经研究摘牌' }, actor: { username: 'll.liu' } });
  });
});

describe('evidence attachments', () => {
  it('checks the type by content and the size, serves in scope only, and verifies the bytes against the history', async () => {
    expect((await report('LR-3', 'general')).status).toBe(200);
    const fake = await upload(s.url, who.county, 'LR-3', Buffer.from('not really a picture'), 'photo.png', 'image/png');
    expect([fake.status, fake.body.error.code]).toEqual([415, 'unsupported_type']);
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0);
    PNG_1PX.copy(big);
    expect((await upload(s.url, who.county, 'LR-3', big, 'big.png')).status).toBe(413);
    const pdf = await upload(s.url, who.county, 'LR-3', Buffer.from('%PDF-1.4\n%整改报告\n'), '整改报告.pdf');
    expect(pdf.status).toBe(201);
    expect(pdf.body.type).toBe('application/pdf');
    expect((await upload(s.url, who.other, 'LR-3', PNG_1PX, 'x.png')).status).toBe(403);

    const get = (cookie: string) => fetch(`${s.url}/api/v1/hazards/LR-3/attachments/${pdf.body.id}`, { headers: { cookie } });
    const mine = await get(who.city);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toBe('application/pdf');
    expect(mine.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(Buffer.from(await mine.arrayBuffer()).toString()).toBe('%PDF-1.4\n%整改报告\n');
    expect((await get(who.other)).status).toBe(403);
    const viewer = await api(s.url, s.tokens.viewer, 'GET', `/api/v1/hazards/LR-3/attachments/${pdf.body.id}`);
    expect(viewer.status).toBe(200);
    expect((await upload(s.url, '', 'LR-3', PNG_1PX, 'x.png')).status).toBe(401);
  });
});

describe('the auth records', () => {
  it('audit verify passes, then names an inserted token row and an undone revocation', async () => {
    const ok = await audit();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/verified \d+ changes, \d+ hazards, \d+ auth records, head/);

    const db = new Database(join(s.dataDir, 'hazards.sqlite'));
    try {
      db.prepare("INSERT INTO tokens (id, hash, role, region, name, created_at) VALUES ('forged1', ?, 'admin', '140000', 'x', ?)").run('f'.repeat(64), new Date().toISOString());
      const inserted = await audit();
      expect(inserted.code).toBe(1);
      expect(inserted.out).toContain('token forged1: is in the table but no auth record created it');
      db.prepare("DELETE FROM tokens WHERE id = 'forged1'").run();

      const store = await openStore(loadConfig({ DATA_DIR: s.dataDir }));
      const extra = await store.tokens.create({ role: 'reporter', name: 'to-revoke' });
      await store.tokens.revoke(extra.info.id);
      await store.close();
      expect((await audit()).code).toBe(0);
      db.prepare('UPDATE tokens SET revoked_at = NULL WHERE id = ?').run(extra.info.id);
      const undone = await audit();
      expect(undone.code).toBe(1);
      expect(undone.out).toContain(`token ${extra.info.id}: differs from what its auth records say`);
    } finally {
      db.close();
    }
  });
});
