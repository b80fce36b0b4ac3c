/**
 * GET /api/v1/briefing through the real server: hazards and their transitions (with past `at`) sent over
 * HTTP, every number compared with an independent count over the same generated data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BriefingSchema, type Briefing } from '../../shared/briefing';
import { SECTOR_CODES } from '../../shared/domain';
import { PROVINCE_CODE, childrenOf } from '../../shared/regions';
import { addDays, dayOf } from '../../shared/time';
import { rng } from '../helpers/hazards';
import { expectedCounts, inChild, simHazard, type SimHazard } from '../helpers/briefing-sim';
import { api, createTokens, postHazards, startServer, type ChildServer } from '../helpers/server';

let server: ChildServer;
let city: string;
const NOW = Date.now();
const TODAY = dayOf(NOW, 'Asia/Shanghai');
const r = rng(2024);
const all: SimHazard[] = Array.from({ length: 600 }, (_, i) => simHazard(r, i, NOW - 60_000, {}, false, false));

const inputOf = (h: SimHazard) => ({
  id: h.id, regionCode: h.regionCode, sector: h.sector, level: h.level, title: `简报测试 ${h.id}`, source: h.source,
  discoveredAt: new Date(h.discoveredAt).toISOString(), ...(h.deadline ? { deadline: h.deadline } : {}),
});

const get = async (path: string, token = server.tokens.viewer) => api(server.url, token, 'GET', path);
const briefing = async (q: string, token?: string): Promise<Briefing> => {
  const res = await get(`/api/v1/briefing?${q}`, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(BriefingSchema.safeParse(res.body).success).toBe(true);
  return res.body as Briefing;
};

beforeAll(async () => {
  server = await startServer();
  const posted = await postHazards(server.url, server.tokens.admin, all.map(inputOf));
  expect(posted.body).toMatchObject({ accepted: all.length, rejected: [] });
  // the history, in time order per hazard, each move at its own past moment
  for (const h of all) {
    for (const e of h.events) {
      const res = await api(server.url, server.tokens.admin, 'POST', `/api/v1/hazards/${h.id}/transitions`, { to: e.to, at: new Date(e.at).toISOString() });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  }
  city = (await createTokens(server.dataDir, { city: { role: 'viewer', region: '141100', name: 'lvliang' } })).city!;
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('briefing numbers through the real server', () => {
  const week = { from: addDays(TODAY, -13), to: addDays(TODAY, -7) };
  const month = { from: addDays(TODAY, -40), to: addDays(TODAY, -11) };
  it.each([
    ['province, a past week', PROVINCE_CODE, week],
    ['province, a month', PROVINCE_CODE, month],
    ['province, today', PROVINCE_CODE, { from: TODAY, to: TODAY }],
    ['city 吕梁, a past week', '141100', week],
    ['county 离石区, a month', '141102', month],
  ])('%s', async (_name, region, p) => {
    const b = await briefing(`region=${region}&from=${p.from}&to=${p.to}`);
    expect(b.period).toEqual(p);
    expect(b.current).toEqual(expectedCounts(all, region, p.from, p.to));
    expect(b.previous).toEqual(expectedCounts(all, region, b.previousPeriod.from, b.previousPeriod.to));
    expect(Object.keys(b.byRegion).sort()).toEqual(childrenOf(region).map((c) => c.code).sort());
    for (const [child, counts] of Object.entries(b.byRegion)) {
      expect(counts, child).toEqual(expectedCounts(all, region, p.from, p.to, inChild(region, child)));
    }
    for (const s of SECTOR_CODES) expect(b.bySector[s], s).toEqual(expectedCounts(all, region, p.from, p.to, (h) => h.sector === s));
  });

  it('the data is not trivial: hazards were opened, closed, rejected and overdue in the compared periods', async () => {
    const b = await briefing(`from=${month.from}&to=${month.to}`);
    expect(b.current.new).toBeGreaterThan(100);
    expect(b.current.closed).toBeGreaterThan(5);
    expect(b.current.overdue).toBeGreaterThan(5);
    expect(all.some((h) => h.events.some((e) => e.to === 'rejected'))).toBe(true);
  });

  it('the trend of a briefing matches the per-day counts', async () => {
    const b = await briefing(`from=${week.from}&to=${week.to}`);
    expect(b.trend.days).toHaveLength(14);
    for (const d of b.trend.days) expect(d.new, d.day).toBe(expectedCounts(all, PROVINCE_CODE, d.day, d.day).new);
  });

  it('a hazard discovered at 2024-11-17T16:30Z counts on 11-18 (Asia/Shanghai), and the year-ago period sees it', async () => {
    const res = await postHazards(server.url, server.tokens.admin, [
      { id: 'TZ-1', regionCode: '140105', sector: 'gas', level: 'general', title: '燃气管道腐蚀', source: 'self_check', discoveredAt: '2024-11-17T16:30:00Z' },
    ]);
    expect(res.body.accepted).toBe(1);
    expect((await briefing('region=140100&from=2024-11-17&to=2024-11-17')).current.new).toBe(0);
    expect((await briefing('region=140100&from=2024-11-18&to=2024-11-18')).current).toMatchObject({ new: 1, open: 1 });
    const yearLater = await briefing('region=140100&from=2025-11-12&to=2025-11-18');
    expect(yearLater.yearAgoPeriod).toEqual({ from: '2024-11-12', to: '2024-11-18' });
    expect(yearLater.yearAgo).toMatchObject({ new: 1, open: 1 });
  });

  it('answers in English with lang=en, and defaults to the token region and the last seven days', async () => {
    const en = await briefing('lang=en', city);
    expect(en.region).toBe('141100');
    expect(en.period).toEqual({ from: addDays(TODAY, -6), to: TODAY });
    expect(en.text).toMatch(/^Since the campaign began \(2023-11-20\), 吕梁市 has found /);
    const zh = await briefing('', city);
    expect(zh.text).toMatch(/^专项整治以来（2023年11月20日起），吕梁市累计排查隐患\d+项/);
  });
});

describe('briefing requests that are wrong', () => {
  it.each([
    ['from after to', `from=${TODAY}&to=${addDays(TODAY, -1)}`, 400, 'invalid_period'],
    ['to in the future', `from=${TODAY}&to=${addDays(TODAY, 2)}`, 400, 'invalid_period'],
    ['a period too long', `from=2019-01-01&to=${TODAY}`, 400, 'invalid_period'],
    ['not a date', 'from=2024-13-01&to=2024-12-01', 400, 'invalid_query'],
    ['an unknown parameter', 'form=2024-11-01', 400, 'invalid_query'],
    ['an unknown region', 'region=999999', 400, 'invalid_query'],
    ['a withdrawn region', 'region=140424', 400, 'withdrawn_region'],
    ['an unknown language', 'lang=fr', 400, 'invalid_query'],
  ])('%s → %i %s', async (_name, q, status, code) => {
    const res = await get(`/api/v1/briefing?${q}`);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toBeTruthy();
  });

  it('refuses a region outside the token scope, and a request without a token', async () => {
    const res = await get('/api/v1/briefing?region=140100', city);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden_region');
    expect((await api(server.url, undefined, 'GET', '/api/v1/briefing')).status).toBe(401);
  });
});

describe('what the history says about a past period', () => {
  it('a hazard raised to major today was general in its past week: newMajor and major replay the level', async () => {
    const res = await postHazards(server.url, server.tokens.admin, [
      { id: 'LV-1', regionCode: '140181', sector: 'coal', level: 'general', title: '采掘工作面探放水措施未落实', source: 'inspection', discoveredAt: '2025-06-10T02:00:00Z', deadline: '2025-06-20' },
    ]);
    expect(res.body.accepted).toBe(1);
    const up = await api(server.url, server.tokens.admin, 'POST', '/api/v1/hazards/LV-1/escalations', { level: 'major', note: '复核认定为重大事故隐患' });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    const then = await briefing('region=140181&from=2025-06-10&to=2025-06-10');
    expect(then.current).toMatchObject({ new: 1, newMajor: 0, total: 1, major: 0, open: 1 });
    // up to today it is major: one more than the generated hazards of 古交 give
    const now = await briefing(`region=140181&from=2025-06-10&to=${TODAY}`);
    const others = expectedCounts(all, '140181', '2025-06-10', TODAY);
    expect(now.current).toMatchObject({ new: others.new + 1, newMajor: others.newMajor + 1, major: others.major + 1 });
  });

  it('a hazard whose deadline was extended twice today is flagged, with its numbers', async () => {
    const res = await postHazards(server.url, server.tokens.admin, [
      { id: 'EX-1', regionCode: '140171', sector: 'construction', level: 'general', title: '脚手架连墙件缺失', source: 'self_check', discoveredAt: '2025-07-01T02:00:00Z', deadline: '2025-07-05' },
    ]);
    expect(res.body.accepted).toBe(1);
    for (const deadline of ['2025-07-20', '2025-08-20']) {
      const ext = await api(server.url, server.tokens.admin, 'POST', '/api/v1/hazards/EX-1/extensions', { deadline, reason: '材料未到位' });
      expect(ext.status, JSON.stringify(ext.body)).toBe(200);
    }
    const b = await briefing(`region=140100&from=${TODAY}&to=${TODAY}`);
    const f = b.flags.find((x) => x.rule === 'repeated_extension');
    expect(f).toMatchObject({ region: '140171', hazardId: 'EX-1', numbers: { extensions: 2, inPeriod: 2, threshold: 2 } });
    expect(f!.message).toBe('转型综改示范区隐患EX-1整改期限已延期2次（本期2次），达到2次以上，请督促落实整改');
    // a development zone counts in its city, in none of its counties: 开发区及市本级
    const zone = await briefing('region=140100&from=2025-07-01&to=2025-07-01');
    expect(zone.unassigned).toMatchObject({ new: 1 });
    expect(Object.values(zone.byRegion).reduce((n, c) => n + c.new, 0)).toBe(0);
  });

  it('省级挂牌督办 in the campaign opening: every hazard the province listed in it, from the history, and how many are closed', async () => {
    const major = (id: string, day: string) => ({
      id, regionCode: '140881', sector: 'noncoal', level: 'major', title: '尾矿库坝体出现贯穿性裂缝', source: 'spot_check',
      discoveredAt: `${day}T02:00:00Z`, deadline: addDays(TODAY, 30),
    });
    // 永济市 (运城) had nothing listed before; all four discovered before this year's hazards, in the campaign
    const posted = await postHazards(server.url, server.tokens.admin, [major('PL-1', '2024-03-01'), major('PL-2', '2024-04-01'), major('PL-3', '2024-05-01'), major('PL-4', '2024-06-01')]);
    expect(posted.body.accepted).toBe(4);
    const post = async (path: string, body: unknown, method = 'POST') => {
      const res = await api(server.url, server.tokens.admin, method, `/api/v1/hazards/${path}`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    await post('PL-1/listing', { by: 'province', document: '晋安办〔2025〕1号' });
    // listed, then lifted (摘牌): it was listed in the campaign all the same
    await post('PL-2/listing', { by: 'province' });
    await post('PL-2/listing', { note: '经复核移交市级督办' }, 'DELETE');
    // listed and closed (已销号)
    await post('PL-3/listing', { by: 'province' });
    for (const to of ['rectifying', 'rectified', 'closed']) await post('PL-3/transitions', { to, note: '验收合格' });
    // the city's listing is not the province's
    await post('PL-4/listing', { by: 'city' });
    const b = await briefing(`region=140881&from=${TODAY}&to=${TODAY}`);
    expect(b.campaign).toMatchObject({ provinceListed: 3, provinceListedClosed: 1 });
    expect(b.text).toContain('省级挂牌督办重大隐患3项（已销号1项）');
    // the listings are today's: a period that ended yesterday had none, though the hazards were on the books then
    const before = await briefing(`region=140881&from=${addDays(TODAY, -1)}&to=${addDays(TODAY, -1)}`);
    expect(before.campaign).toMatchObject({ provinceListed: 0, provinceListedClosed: 0 });
    expect(before.text).toContain('暂无省级挂牌督办重大隐患');
    // the province's briefing counts them too, and a city outside sees none of them
    expect((await briefing(`from=${TODAY}&to=${TODAY}`)).campaign.provinceListed).toBe(3);
    expect((await briefing(`region=140100&from=${TODAY}&to=${TODAY}`)).campaign.provinceListed).toBe(0);
  });

  it('a withdrawn county code is refused with its successor named', async () => {
    const res = await api(server.url, server.tokens.admin, 'POST', '/api/v1/hazards', {
      id: 'OLD-CODE', regionCode: '140424', sector: 'coal', level: 'general', title: '旧台账', discoveredAt: '2025-07-01T02:00:00Z',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('withdrawn_region');
    expect(res.body.error.message).toContain('屯留县（140424）已撤销，2018年并入屯留区（140405）');
    expect((await api(server.url, server.tokens.admin, 'GET', '/api/v1/hazards/OLD-CODE')).status).toBe(404);
  });
});
