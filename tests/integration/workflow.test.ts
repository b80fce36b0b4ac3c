/**
 * The workflow of issue 5 through the real server: escalation both ways (a note to lower), supervised
 * listing (who may, which hazards, `listed` in summaries and in live deltas on a real socket), deadline
 * extensions (overdue follows at once), and every step in the hazard's history with its actor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVINCE_CODE } from '../../shared/regions';
import type { Counts, HazardInput, Summary } from '../../shared/schemas';
import { addDays, dayOf } from '../../shared/time';
import { Screen, sleep } from '../helpers/live';
import { api, createTokens, startServer, type ChildServer } from '../helpers/server';

const CITY = '141100'; // 吕梁市
const COUNTY = '141102'; // 离石区
const OTHER_COUNTY = '140105'; // 太原市小店区

let srv: ChildServer;
let tk: Record<string, string>;
let screen: Screen;
const today = () => dayOf(Date.now());

const post = (path: string, body: unknown, token = tk.city!) => api(srv.url, token, 'POST', path, body);
const get = (path: string) => api(srv.url, srv.tokens.admin, 'GET', path);
const totals = async (region: string): Promise<Counts> => ((await get(`/api/v1/summary?region=${region}`)).body as Summary).totals;

function hazard(id: string, over: Partial<HazardInput> = {}): HazardInput {
  return {
    id, regionCode: COUNTY, sector: 'coal', level: 'general', title: `工作流测试 ${id}`,
    discoveredAt: new Date(Date.now() - 10 * 86_400_000).toISOString(), ...over,
  } as HazardInput;
}

async function report(h: HazardInput): Promise<void> {
  const r = await post('/api/v1/hazards', h, srv.tokens.admin);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

/** Waits for the screen's copy of `region` to satisfy `ok` (it follows deltas only). */
async function until(region: string, ok: (t: Counts) => boolean, timeoutMs = 3000): Promise<Counts> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = screen.states.get(region)!.totals;
    if (ok(t)) return t;
    if (Date.now() > deadline) throw new Error(`${region} never satisfied the condition: ${JSON.stringify(t)}`);
    await sleep(25);
  }
}

beforeAll(async () => {
  srv = await startServer();
  tk = await createTokens(srv.dataDir, {
    city: { role: 'reporter', region: CITY, name: '吕梁市应急局' },
    county: { role: 'reporter', region: COUNTY, name: '离石区应急局' },
    province: { role: 'reporter', region: PROVINCE_CODE, name: '省应急厅' },
    viewer: { role: 'viewer', region: CITY, name: '吕梁市值班员' },
  });
  screen = await Screen.connect(srv.url, srv.tokens.display);
  await screen.subscribe(PROVINCE_CODE);
  await screen.subscribe(CITY);
});
afterAll(async () => {
  screen?.close();
  await srv?.stop();
});

describe('escalation', () => {
  it('raises a general hazard to major (a deadline needed) and lowers it again only with a note', async () => {
    await report(hazard('ESC-1'));
    const before = await totals(CITY);

    const noDeadline = await post('/api/v1/hazards/ESC-1/escalations', { level: 'major', note: '涉及停产整顿' });
    expect(noDeadline.status).toBe(409);
    expect(noDeadline.body.error.code).toBe('deadline_required');

    const up = await post('/api/v1/hazards/ESC-1/escalations', { level: 'major', deadline: addDays(today(), 30) });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body).toMatchObject({ level: 'major', deadline: addDays(today(), 30) });
    expect(await totals(CITY)).toMatchObject({ major: before.major + 1, majorOpen: before.majorOpen + 1 });
    await until(CITY, (t) => t.majorOpen === before.majorOpen + 1);

    const silent = await post('/api/v1/hazards/ESC-1/escalations', { level: 'general' });
    expect(silent.status).toBe(400);
    expect(silent.body.error.message).toMatch(/note/);
    const blank = await post('/api/v1/hazards/ESC-1/escalations', { level: 'general', note: '   ' });
    expect(blank.status).toBe(400);

    const down = await post('/api/v1/hazards/ESC-1/escalations', { level: 'general', note: '复核后不构成重大隐患' });
    expect(down.status).toBe(200);
    expect(await totals(CITY)).toMatchObject({ major: before.major, majorOpen: before.majorOpen });
    await until(CITY, (t) => t.majorOpen === before.majorOpen);

    const h = (await get('/api/v1/hazards/ESC-1')).body;
    expect(h.history.map((e: { kind: string; actor: { name: string }; data: unknown }) => [e.kind, e.actor.name, e.data])).toEqual([
      ['reported', 'test-admin', expect.objectContaining({ level: 'general' })],
      ['escalation', '吕梁市应急局', expect.objectContaining({ from: 'general', to: 'major', deadline: addDays(today(), 30) })],
      ['escalation', '吕梁市应急局', expect.objectContaining({ from: 'major', to: 'general', note: '复核后不构成重大隐患' })],
    ]);
  });

  it('refuses a closed hazard, the same level, and tokens that may not write there', async () => {
    await report(hazard('ESC-2', { level: 'major', deadline: addDays(today(), 5) }));
    expect((await post('/api/v1/hazards/ESC-2/escalations', { level: 'major' })).body.error.code).toBe('no_change');
    const other = await post('/api/v1/hazards/ESC-2/escalations', { level: 'general', note: 'x' }, (await createTokens(srv.dataDir, { ty: { role: 'reporter', region: '140100' } })).ty);
    expect(other.status).toBe(403);
    expect((await post('/api/v1/hazards/ESC-2/escalations', { level: 'general', note: 'x' }, tk.viewer)).status).toBe(403);
    for (const to of ['rectifying', 'rectified', 'closed']) expect((await post('/api/v1/hazards/ESC-2/transitions', { to })).status).toBe(200);
    const closed = await post('/api/v1/hazards/ESC-2/escalations', { level: 'general', note: '已销号' });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('not_open');
  });
});

describe('supervised listing (挂牌督办)', () => {
  it('is decided by a city or the province, never above its own level, and 403 otherwise', async () => {
    await report(hazard('LST-0', { level: 'major', deadline: addDays(today(), 20) }));
    const county = await post('/api/v1/hazards/LST-0/listing', { by: 'county' }, tk.county);
    expect(county.status).toBe(403);
    expect(county.body.error.code).toBe('forbidden_level');
    const tooHigh = await post('/api/v1/hazards/LST-0/listing', { by: 'province' }, tk.city);
    expect(tooHigh.status).toBe(403);
    expect((await post('/api/v1/hazards/LST-0/listing', { by: 'city' }, tk.viewer)).body.error.code).toBe('forbidden_role');
    expect((await post('/api/v1/hazards/LST-0/listing', { by: 'state' })).status).toBe(400);
    expect((await get('/api/v1/hazards/LST-0')).body.listedBy).toBeNull();
  });

  it('counts `listed` for open hazards in summaries and in live deltas, and is upgraded, not repeated', async () => {
    await report(hazard('LST-1', { level: 'major', deadline: addDays(today(), 20) }));
    await report(hazard('LST-CITY', { regionCode: CITY, level: 'major', deadline: addDays(today(), 20) }));
    const [prov, city] = [await totals(PROVINCE_CODE), await totals(CITY)];
    await until(CITY, (t) => t.total === city.total);

    const r = await post('/api/v1/hazards/LST-1/listing', { by: 'city', document: '吕安委〔2024〕12号' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.listedBy).toBe('city');
    expect(await totals(PROVINCE_CODE)).toMatchObject({ listed: prov.listed + 1 });
    const summary = (await get(`/api/v1/summary?region=${CITY}`)).body as Summary;
    expect(summary.totals.listed).toBe(city.listed + 1);
    expect(summary.byRegion[COUNTY]!.listed).toBeGreaterThanOrEqual(1);
    expect(summary.bySector.coal!.listed).toBeGreaterThanOrEqual(1);
    // the screen sees it through deltas alone
    await until(PROVINCE_CODE, (t) => t.listed === prov.listed + 1);
    await until(CITY, (t) => t.listed === city.listed + 1);
    const delta = screen.deltas.get(CITY)!.at(-1)!;
    expect(delta.changes.totals!.listed).toBe(city.listed + 1);
    expect(delta.changes.byRegion![COUNTY]!.listed).toBe(summary.byRegion[COUNTY]!.listed);

    const again = await post('/api/v1/hazards/LST-1/listing', { by: 'city' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_listed');
    const up = await post('/api/v1/hazards/LST-1/listing', { by: 'province', document: '晋安委〔2024〕3号' }, tk.province);
    expect(up.status).toBe(200);
    expect(up.body.listedBy).toBe('province');
    expect((await totals(PROVINCE_CODE)).listed).toBe(prov.listed + 1); // one hazard, listed once

    const cityHazard = await post('/api/v1/hazards/LST-CITY/listing', { by: 'county' });
    expect(cityHazard.body.error.code).toBe('no_county');
  });

  it('only for open hazards; a listed hazard that is rectified leaves `listed`', async () => {
    await report(hazard('LST-2', { level: 'major', deadline: addDays(today(), 3) }));
    expect((await post('/api/v1/hazards/LST-2/listing', { by: 'city' })).status).toBe(200);
    const before = await totals(CITY);
    expect((await post('/api/v1/hazards/LST-2/transitions', { to: 'rectifying' })).status).toBe(200);
    expect((await post('/api/v1/hazards/LST-2/transitions', { to: 'rectified' })).status).toBe(200);
    expect((await totals(CITY)).listed).toBe(before.listed - 1);
    await until(CITY, (t) => t.listed === before.listed - 1);
    const closedOut = await post('/api/v1/hazards/LST-2/listing', { by: 'province' }, srv.tokens.admin);
    expect(closedOut.status).toBe(409);
    expect(closedOut.body.error.code).toBe('not_open');
  });
});

describe('deadline extensions', () => {
  it('move overdue at once, in summaries and deltas, and are counted and kept with their reason', async () => {
    const pastDeadline = addDays(today(), -3);
    await report(hazard('EXT-1', { level: 'major', deadline: pastDeadline }));
    expect((await get('/api/v1/hazards/EXT-1')).body.overdue).toBe(true);
    const before = await totals(CITY);
    await until(CITY, (t) => t.overdue === before.overdue);

    expect((await post('/api/v1/hazards/EXT-1/extensions', { deadline: addDays(today(), 10) })).status).toBe(400);
    const earlier = await post('/api/v1/hazards/EXT-1/extensions', { deadline: addDays(pastDeadline, -1), reason: '—' });
    expect(earlier.status).toBe(409);
    expect(earlier.body.error.code).toBe('not_later');

    const r = await post('/api/v1/hazards/EXT-1/extensions', { deadline: addDays(today(), 10), reason: '主通风机备件到货延迟' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ overdue: false, deadline: addDays(today(), 10), extensions: 1 });
    expect(await totals(CITY)).toMatchObject({ overdue: before.overdue - 1, majorOpen: before.majorOpen });
    await until(CITY, (t) => t.overdue === before.overdue - 1);
    expect((await get(`/api/v1/hazards?region=${CITY}&overdue=true&limit=500`)).body.items.map((h: { id: string }) => h.id)).not.toContain('EXT-1');

    const second = await post('/api/v1/hazards/EXT-1/extensions', { deadline: addDays(today(), 20), reason: '施工单位变更' }, tk.county);
    expect(second.status).toBe(200);
    expect(second.body.extensions).toBe(2);
    const h = (await get('/api/v1/hazards/EXT-1')).body;
    expect(h.history.filter((e: { kind: string }) => e.kind === 'extension').map((e: { actor: { name: string }; data: unknown }) => [e.actor.name, e.data])).toEqual([
      ['吕梁市应急局', { from: pastDeadline, to: addDays(today(), 10), reason: '主通风机备件到货延迟' }],
      ['离石区应急局', { from: addDays(today(), 10), to: addDays(today(), 20), reason: '施工单位变更' }],
    ]);
  });

  it('is refused outside the reporter region and for hazards no longer open', async () => {
    await report(hazard('EXT-2', { regionCode: OTHER_COUNTY, deadline: addDays(today(), 1) }));
    expect((await post('/api/v1/hazards/EXT-2/extensions', { deadline: addDays(today(), 9), reason: 'x' })).status).toBe(403);
    await post('/api/v1/hazards/EXT-2/transitions', { to: 'rejected', note: '重复上报' }, srv.tokens.admin);
    const r = await post('/api/v1/hazards/EXT-2/extensions', { deadline: addDays(today(), 9), reason: 'x' }, srv.tokens.admin);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('not_open');
  });
});

describe('the live copy', () => {
  it('followed every workflow step without a gap and equals the server', async () => {
    await sleep(400);
    expect(screen.problems).toEqual([]);
    for (const region of [PROVINCE_CODE, CITY]) {
      const s = (await get(`/api/v1/summary?region=${region}`)).body as Summary;
      const mine = screen.states.get(region)!;
      expect({ v: mine.version, totals: mine.totals, byRegion: mine.byRegion, bySector: mine.bySector, matrix: mine.matrix })
        .toEqual({ v: s.version, totals: s.totals, byRegion: s.byRegion, bySector: s.bySector, matrix: s.matrix });
    }
  });
});
