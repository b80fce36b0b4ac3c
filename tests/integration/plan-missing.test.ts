/**
 * 五落实缺项 through the real server with a county official signed in, on SQLite and on PostgreSQL: a major
 * hazard moved into rectification without a plan is flagged in the list and in its own read, and found by
 * `planMissing=true`; one moved with a plan, one still reported, a general one, and one sent back by a failed
 * acceptance after its plan are not. A plan's words in a note do not count as a plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { openStore } from '../../server/store';
import { PNG_1PX, asPerson, createPerson, signIn, upload } from '../helpers/people';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';
import { startApp, type InProcessServer } from '../helpers/server';

const COUNTY = '141102';
const PLAN = { responsible: '王建国（矿长）', measures: '更换支护', funds: '12 万元', contingency: '撤人预案' };
const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const pgMissing = await postgresMissing();

describe.each([
  ['SQLite', false],
  ['PostgreSQL', true],
] as const)('五落实缺项 on %s', (_name, pg) => {
  let s: InProcessServer;
  let db: TestDatabase | undefined;
  let cookie = '';
  const as = (method: string, path: string, body?: unknown) => asPerson(s.url, cookie, method, path, body);
  const report = (id: string, level: 'major' | 'general') =>
    as('POST', '/api/v1/hazards', {
      id, regionCode: COUNTY, sector: 'coal', level, title: `五落实 ${id}`, discoveredAt: new Date(Date.now() - 3600_000).toISOString(),
      ...(level === 'major' ? { deadline: days(20) } : {}),
    });
  const move = async (id: string, body: Record<string, unknown>) => {
    const r = await as('POST', `/api/v1/hazards/${id}/transitions`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };
  const flags = async (query = '') => {
    const r = await as('GET', `/api/v1/hazards?region=${COUNTY}&limit=100${query}`);
    expect(r.status).toBe(200);
    return Object.fromEntries((r.body.items as Array<{ id: string; planMissing: boolean }>).map((h) => [h.id, h.planMissing]));
  };

  beforeAll(async () => {
    if (pg && pgMissing) return;
    db = pg ? await freshDatabase() : undefined;
    s = await startApp({ env: db ? { DATABASE_URL: db.url } : {} });
    const store = await openStore(loadConfig(db ? { DATABASE_URL: db.url, LOG_LEVEL: 'silent' } : { DATA_DIR: s.dataDir, LOG_LEVEL: 'silent' }));
    try {
      await createPerson(store.tokens, 'ls.wang', '王建国', 'reporter', COUNTY);
    } finally {
      await store.close();
    }
    cookie = (await signIn(s.url, 'ls.wang')).cookie;

    for (const [id, level] of [['PM-NOPLAN', 'major'], ['PM-PLAN', 'major'], ['PM-NEW', 'major'], ['PM-GEN', 'general'], ['PM-BACK', 'major'], ['PM-NOTE', 'major']] as const) {
      expect((await report(id, level)).status).toBe(200);
    }
    await move('PM-NOPLAN', { to: 'rectifying' });
    await move('PM-PLAN', { to: 'rectifying', plan: PLAN });
    await move('PM-GEN', { to: 'rectifying' });
    // planned, rectified with evidence, failed at acceptance: back in rectification, the first plan stands
    await move('PM-BACK', { to: 'rectifying', plan: PLAN });
    expect((await upload(s.url, cookie, 'PM-BACK', PNG_1PX, 'after.png', 'image/png')).status).toBe(201);
    await move('PM-BACK', { to: 'rectified' });
    await move('PM-BACK', { to: 'rectifying', opinion: '支护未到位' });
    // a note that quotes a plan is not a plan
    await move('PM-NOTE', { to: 'rectifying', note: '"plan":{"responsible":"x"} 待补' });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await db?.drop();
  });

  it.skipIf(pg && pgMissing !== null)('flags exactly the major hazards in rectification without a plan, in the list', async () => {
    expect(await flags()).toEqual({
      'PM-NOPLAN': true, 'PM-PLAN': false, 'PM-NEW': false, 'PM-GEN': false, 'PM-BACK': false, 'PM-NOTE': true,
    });
  });

  it.skipIf(pg && pgMissing !== null)('finds them with planMissing=true (and the rest with false), and says so in the single read', async () => {
    expect(Object.keys(await flags('&planMissing=true')).sort()).toEqual(['PM-NOPLAN', 'PM-NOTE']);
    expect(Object.keys(await flags('&planMissing=false')).sort()).toEqual(['PM-BACK', 'PM-GEN', 'PM-NEW', 'PM-PLAN']);
    expect((await as('GET', '/api/v1/hazards/PM-NOPLAN')).body.planMissing).toBe(true);
    expect((await as('GET', '/api/v1/hazards/PM-PLAN')).body.planMissing).toBe(false);
    const bad = await as('GET', '/api/v1/hazards?planMissing=maybe');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_query']);
  });

  it.skipIf(pg && pgMissing !== null)('the flag falls once the hazard leaves rectification', async () => {
    expect((await upload(s.url, cookie, 'PM-NOPLAN', PNG_1PX, 'after.png', 'image/png')).status).toBe(201);
    await move('PM-NOPLAN', { to: 'rectified' });
    expect((await flags())['PM-NOPLAN']).toBe(false);
    expect(Object.keys(await flags('&planMissing=true'))).toEqual(['PM-NOTE']);
  });
});
