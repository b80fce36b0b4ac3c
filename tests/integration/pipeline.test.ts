/**
 * The live pipeline end to end: HTTP intake and workflow → SQLite → aggregates → Socket.IO deltas,
 * checked against a count the test keeps itself from what it sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVINCE_CODE, childrenOf, isWithin } from '../../shared/regions';
import type { HazardInput, Summary } from '../../shared/schemas';
import { makeHazard, rng } from '../helpers/hazards';
import { Screen, refusal, sleep } from '../helpers/live';
import { api, createTokens, postHazards, startServer, type ChildServer } from '../helpers/server';
import { applyOp, modelOf, pickOp, requestOf, tally, type ModelHazard } from '../helpers/stream';

const CITY = '141100'; // 吕梁市
const COUNTY = '141102'; // 离石区
const WATCHED = [PROVINCE_CODE, CITY, COUNTY];
const LVLIANG = [CITY, ...childrenOf(CITY).map((c) => c.code)];

let srv: ChildServer;
let cityViewer: string;
let wall: Screen;
let cityScreen: Screen;
let late: Screen;
/** each delta the server sent, at the time by which it spaced the next (from its debug log) */
const sent: Array<{ region: string; version: number; at: number }> = [];
const model = new Map<string, ModelHazard>();
const inputs = new Map<string, HazardInput>();
/** every push of a new major hazard the test expects: reported as major, or raised to major */
const newMajors: Array<{ id: string; regionCode: string }> = [];

const get = (path: string, token = srv.tokens.admin) => api(srv.url, token, 'GET', path);
const post = (path: string, body: unknown, token = srv.tokens.reporter) => api(srv.url, token, 'POST', path, body);
const summaryOf = async (region: string): Promise<Summary> => (await get(`/api/v1/summary?region=${region}`)).body;
const bodyOf = ({ totals, byRegion, bySector, matrix }: Summary) => ({ totals, byRegion, bySector, matrix });

function record(items: HazardInput[]): void {
  for (const h of items) {
    model.set(h.id, modelOf(h));
    inputs.set(h.id, h);
    if (h.level === 'major') newMajors.push({ id: h.id, regionCode: h.regionCode });
  }
}

async function report(items: HazardInput[]): Promise<void> {
  if (items.length === 1) {
    const res = await post('/api/v1/hazards', items[0]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
  } else {
    const res = await postHazards(srv.url, srv.tokens.reporter, items);
    expect(res.body).toEqual({ accepted: items.length, duplicates: 0, rejected: [] });
  }
  record(items);
}

beforeAll(async () => {
  // a separate process, so that the test's own work cannot disturb when deltas arrive
  srv = await startServer({
    env: { LOG_LEVEL: 'debug' },
    onLine: (line) => {
      if (!line.includes('"delta sent"')) return;
      const { region, version, at } = JSON.parse(line) as { region: string; version: number; at: number };
      sent.push({ region, version, at });
    },
  });
  cityViewer = (await createTokens(srv.dataDir, { city: { role: 'viewer', region: CITY, name: '吕梁市值班员' } })).city!;
});
afterAll(async () => {
  wall?.close();
  cityScreen?.close();
  late?.close();
  await srv?.stop();
});

describe('the live pipeline', () => {
  it('snapshot plus coalesced deltas equal an independent count and GET /summary', async () => {
    wall = await Screen.connect(srv.url, srv.tokens.display);
    cityScreen = await Screen.connect(srv.url, cityViewer);
    late = await Screen.connect(srv.url, srv.tokens.viewer);
    for (const region of WATCHED) await wall.subscribe(region);
    await cityScreen.subscribe(CITY);
    const today: string = (await get('/api/v1/session')).body.today;
    const r = rng(20241118);
    let n = 0;
    const batch = () => {
      const size = r.next() < 0.3 ? 1 : 2 + r.int(40);
      return Array.from({ length: size }, () => makeHazard(r, n++, r.next() < 0.3 ? { regionCode: r.pick(LVLIANG) } : {}));
    };
    // one instant written three ways: the list must order by the instant and page through the tie by id
    const sameTime = ['2024-11-18T09:30:00+08:00', '2024-11-18T01:30:00Z', '2024-11-18T01:30:00.000Z'];
    await report(Array.from({ length: 12 }, (_, i) =>
      makeHazard(r, n++, { id: `TIE-${String.fromCharCode(65 + i)}`, regionCode: COUNTY, discoveredAt: sameTime[i % 3]!, deadline: '2024-12-18' })));
    for (let step = 0; step < 180; step++) {
      const roll = r.next();
      // a screen that opens mid-stream, while changes wait for the next flush, must chain on as well
      if (step === 90) for (const region of [PROVINCE_CODE, CITY, '140100']) await late.subscribe(region);
      if (roll < 0.25 || model.size < 20) await report(batch());
      else if (roll < 0.3) await Promise.all([batch(), batch(), batch()].map(report)); // concurrent writers
      else if (roll < 0.35) {
        const again = r.pick([...inputs.values()]);
        expect((await post('/api/v1/hazards', again)).body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
      } else {
        // most actions work on a few dozen hazards, so that many go the whole way through the lifecycle
        const all = [...model.values()];
        const op = pickOp(r, r.next() < 0.7 ? all.slice(0, 40) : all, today);
        if (!op) continue;
        const h = model.get(op.id)!;
        const { path, body } = requestOf(op);
        const res = await post(path, body);
        expect(res.status, `${path} ${JSON.stringify(body)} → ${JSON.stringify(res.body)}`).toBe(200);
        if (op.kind === 'escalation' && op.level === 'major') newMajors.push({ id: h.id, regionCode: h.regionCode });
        applyOp(h, op);
        expect(res.body).toMatchObject({ id: h.id, status: h.status, level: h.level, listedBy: h.listedBy });
      }
    }
    const versionOf = async (region: string) => (await summaryOf(region)).version;
    await wall.settle(versionOf);
    await cityScreen.settle(versionOf);
    await late.settle(versionOf);
    await sleep(700); // nothing more may arrive

    expect(wall.problems).toEqual([]);
    expect(cityScreen.problems).toEqual([]);
    expect(late.problems).toEqual([]);
    // [screen, region, fewest deltas]: a screen that followed the whole stream saw it span several 250 ms windows;
    // the late one joined at step 90, and a fast machine posts the rest within one window (one delta is all it may get)
    const followers = [...WATCHED.map((w) => [wall, w, 2, 'wall'] as const), [cityScreen, CITY, 2, 'city'] as const,
      ...[PROVINCE_CODE, CITY, '140100'].map((w) => [late, w, 1, 'late'] as const)];
    for (const [screen, region, fewest, who] of followers) {
      const served = await summaryOf(region);
      const followed = screen.states.get(region)!;
      expect(bodyOf(followed), `${region}: snapshot + deltas vs the test's own count`).toEqual(tally(region, model.values(), served.today));
      expect(followed, `${region}: snapshot + deltas vs GET /summary`).toEqual(served);
      const deltas = screen.deltas.get(region)!;
      // how many windows a stream spans depends on the machine's speed: a fast one posts it in fewer
      expect(deltas.length, `${who} ${region}: deltas`).toBeGreaterThanOrEqual(fewest);
      // coalesced: at most one per 250 ms per region, every gap, on the server's clock (arrival times carry
      // the jitter of two busy processes; tests/unit/server/live-feed.test.ts holds the rule to the ms).
      const ofRegion = sent.filter((s) => s.region === region);
      const gaps = ofRegion.slice(1).map((s, i) => s.at - ofRegion[i]!.at);
      expect(Math.min(...gaps), `${region}: closest deltas on the server's clock`).toBeGreaterThanOrEqual(250);
      const logged = new Set(ofRegion.map((s) => s.version));
      expect(deltas.filter((d) => !logged.has(d.version)), `${region}: deltas received but not logged as sent`).toEqual([]);
    }
    const province = wall.states.get(PROVINCE_CODE)!;
    expect(province.totals.total).toBe([...model.values()].filter((h) => h.status !== 'rejected').length);
    expect(province.totals.overdue).toBeGreaterThan(0);
    const statuses = [...model.values()].map((h) => h.status);
    expect(Object.fromEntries(['reported', 'rectifying', 'rectified', 'closed', 'rejected'].map((s) => [s, statuses.filter((x) => x === s).length > 0])))
      .toEqual({ reported: true, rectifying: true, rectified: true, closed: true, rejected: true });
  });

  it('beats every 5 s with the newest position of the change sequence', async () => {
    const head: { seq: number } = (await get('/api/v1/chain/head')).body;
    const since = wall.heartbeats.length;
    const t0 = Date.now();
    while (wall.heartbeats.length === since && Date.now() - t0 < 7000) await sleep(100);
    expect(wall.heartbeats.length).toBeGreaterThan(since);
    expect(wall.heartbeats.at(-1)!.version).toBe(head.seq);
    expect(wall.heartbeats[0]!.version).toBe(1); // on connect: only the start-up day turn was applied
  });

  it('pushes hazard:reported for new majors only, to sockets whose scope covers them', async () => {
    const ids = (xs: Array<{ id: string }>) => xs.map((x) => x.id).sort();
    expect(newMajors.length).toBeGreaterThan(20);
    expect(ids(wall.reported)).toEqual(ids(newMajors));
    const inCity = newMajors.filter((h) => isWithin(h.regionCode, CITY));
    expect(inCity.length).toBeGreaterThan(2);
    expect(ids(cityScreen.reported)).toEqual(ids(inCity));
    for (const p of wall.reported) {
      expect(p.level).toBe('major');
      expect(p).toMatchObject({ regionCode: inputs.get(p.id)!.regionCode, sector: inputs.get(p.id)!.sector, title: inputs.get(p.id)!.title });
    }
  });

  const newestFirst = (a: HazardInput, b: HazardInput) => {
    const [ta, tb] = [new Date(a.discoveredAt).toISOString(), new Date(b.discoveredAt).toISOString()];
    return ta === tb ? (a.id < b.id ? 1 : -1) : ta < tb ? 1 : -1;
  };
  async function listAll(query: string, limit: number, token = srv.tokens.viewer): Promise<any[]> {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/api/v1/hazards?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, token);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  it.each([
    ['', 97, () => true],
    [`region=${CITY}`, 9, (h: ModelHazard) => isWithin(h.regionCode, CITY)],
    [`region=${COUNTY}`, 3, (h: ModelHazard) => h.regionCode === COUNTY],
    ['sector=coal', 11, (h: ModelHazard) => h.sector === 'coal'],
    ['level=major', 17, (h: ModelHazard) => h.level === 'major'],
    ['status=rectifying', 13, (h: ModelHazard) => h.status === 'rectifying'],
    ['overdue=true', 19, (h: ModelHazard, today: string) =>
      (h.status === 'reported' || h.status === 'rectifying') && h.deadline !== null && h.deadline < today],
    [`region=${CITY}&level=major&status=reported`, 2, (h: ModelHazard) => isWithin(h.regionCode, CITY) && h.level === 'major' && h.status === 'reported'],
  ])('lists %j: exactly the matching hazards, newest first, across cursor pages', async (query, limit, match) => {
    const today: string = (await get('/api/v1/session')).body.today;
    const expected = [...model.values()].filter((h) => match(h, today)).map((h) => inputs.get(h.id)!).sort(newestFirst).map((h) => h.id);
    expect(expected.length).toBeGreaterThan(limit); // more than one page
    const items = await listAll(query, limit);
    expect(items.map((h) => h.id)).toEqual(expected);
    for (const item of items) {
      const h = model.get(item.id)!;
      expect(item).toMatchObject({ status: h.status, level: h.level, regionCode: h.regionCode, sector: h.sector });
      expect(item.deadline ?? null).toBe(h.deadline);
    }
  });

  it('shows one hazard with its full history and the actors by name', async () => {
    const h = makeHazard(rng(1), 0, { id: 'HIST-1', level: 'general', regionCode: COUNTY, deadline: '2099-01-01' });
    await report([h]);
    const steps: Array<[string, unknown, string]> = [
      ['transitions', { to: 'rectifying', note: '已落实五落实' }, srv.tokens.admin],
      ['escalations', { level: 'major', note: '涉及停产整顿' }, srv.tokens.reporter],
      ['extensions', { deadline: '2099-02-01', reason: '设备到货延迟' }, srv.tokens.admin],
      ['listing', { by: 'city', document: '吕安委〔2024〕1号' }, srv.tokens.reporter],
      ['transitions', { to: 'rectified' }, srv.tokens.reporter],
      ['transitions', { to: 'closed' }, srv.tokens.admin],
    ];
    for (const [path, body, token] of steps) expect((await post(`/api/v1/hazards/HIST-1/${path}`, body, token)).status).toBe(200);
    const res = await get('/api/v1/hazards/HIST-1', srv.tokens.viewer);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'HIST-1', status: 'closed', level: 'major', deadline: '2099-02-01', listedBy: 'city', extensions: 1 });
    expect(res.body.closedAt).toEqual(expect.any(String));
    const history = res.body.history as Array<{ kind: string; seq: number; actor: { name: string }; data: Record<string, unknown> }>;
    expect(history.map((e) => [e.kind, e.actor.name])).toEqual([
      ['reported', 'test-reporter'], ['transition', 'test-admin'], ['escalation', 'test-reporter'], ['extension', 'test-admin'],
      ['listing', 'test-reporter'], ['transition', 'test-reporter'], ['transition', 'test-admin'],
    ]);
    expect(history.map((e) => e.seq)).toEqual([...history.map((e) => e.seq)].sort((a, b) => a - b));
    expect(history[1]!.data).toMatchObject({ from: 'reported', to: 'rectifying', note: '已落实五落实' });
    expect(history[2]!.data).toMatchObject({ from: 'general', to: 'major', note: '涉及停产整顿' });
    expect(history[3]!.data).toMatchObject({ from: '2099-01-01', to: '2099-02-01', reason: '设备到货延迟' });
    expect((await get('/api/v1/hazards/NO-SUCH-ID')).status).toBe(404);
  });
});

describe('the intake and read contract', () => {
  const fresh = (id: string, over: Partial<HazardInput> = {}) =>
    makeHazard(rng(id.length * 7919), 0, { id, regionCode: COUNTY, level: 'general', deadline: '2099-01-01', ...over });
  const provinceTotal = async () => (await summaryOf(PROVINCE_CODE)).totals.total;

  it('is idempotent by id: same content is a duplicate, different content a conflict', async () => {
    const before = await provinceTotal();
    const h = fresh('IDEM-1');
    expect((await post('/api/v1/hazards', h)).body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect((await post('/api/v1/hazards', h)).body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    // the same content with its keys in another order is the same hazard
    const reordered = Object.fromEntries(Object.entries(h).reverse());
    expect((await post('/api/v1/hazards', reordered)).body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    const changed = { ...h, title: '另一个隐患' };
    const single = await post('/api/v1/hazards', changed);
    expect(single.status).toBe(409);
    expect(single.body.error).toMatchObject({ code: 'conflict', message: expect.stringContaining('IDEM-1') });

    const k = fresh('IDEM-2');
    const batch = await postHazards(srv.url, srv.tokens.reporter, [h, changed, k, k]);
    expect(batch.status).toBe(200);
    expect(batch.body).toEqual({
      accepted: 1, duplicates: 2,
      rejected: [{ index: 1, id: 'IDEM-1', error: { code: 'conflict', message: expect.stringContaining('IDEM-1') } }],
    });
    expect(await provinceTotal()).toBe(before + 2);
    expect((await get('/api/v1/hazards/IDEM-1')).body.title).toBe(h.title);
  });

  it.each([
    ['general', [], 'closed', 'reported', ['rectifying', 'rectified', 'rejected']],
    ['major', [], 'rectified', 'reported', ['rectifying', 'rejected']],
    ['general', ['rectifying'], 'closed', 'rectifying', ['rectified']],
    ['general', ['rectified', 'closed'], 'rectifying', 'closed', []],
    ['general', ['rejected'], 'reported', 'rejected', []],
    ['general', ['rectifying'], 'rectifying', 'rectifying', ['rectified']],
  ] as const)('refuses a %s hazard after %j moving to %s: 409 naming %s and what is allowed', async (level, path, to, current, allowed) => {
    const id = `BAD-${level}-${path.join('-')}-${to}`;
    await report([fresh(id, { level })]);
    for (const step of path) expect((await post(`/api/v1/hazards/${id}/transitions`, { to: step })).status).toBe(200);
    const before = (await get(`/api/v1/hazards/${id}`)).body;
    const res = await post(`/api/v1/hazards/${id}/transitions`, { to });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('invalid_transition');
    expect(res.body.error.message).toContain(`is ${current}`);
    const named = /allowed next: (.*)$/.exec(res.body.error.message)?.[1];
    expect(allowed.length ? named?.split(', ') : named).toEqual(allowed.length ? allowed : expect.stringMatching(/^none/));
    expect(res.body.error.details).toEqual({ current, allowed });
    expect((await get(`/api/v1/hazards/${id}`)).body).toEqual(before); // nothing changed
  });

  it('rejects unknown fields by name, and prototype keys', async () => {
    const single = await post('/api/v1/hazards', { ...fresh('UNK-1'), deadLine: '2099-01-01' });
    expect(single.status).toBe(400);
    expect(single.body.error.message).toContain('deadLine');
    const batch = await postHazards(srv.url, srv.tokens.reporter, [fresh('UNK-2'), { ...fresh('UNK-3'), enterprise: { name: '某煤业', kind: 'x' } }]);
    expect(batch.body).toMatchObject({ accepted: 1, duplicates: 0, rejected: [{ index: 1, id: 'UNK-3', error: { code: 'invalid_hazard' } }] });
    expect(batch.body.rejected[0].error.message).toContain('enterprise.kind');
    const action = await post('/api/v1/hazards/UNK-2/transitions', { to: 'rectifying', toStatus: 'closed' });
    expect(action.status).toBe(400);
    expect(action.body.error.message).toContain('toStatus');
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const raw = `{"hazards":[{"id":"PROTO-1","${key}":{"admin":true}}]}`;
      const res = await post('/api/v1/hazards', raw);
      expect(res.status, key).toBe(400);
      expect(res.body.error.message).toContain(key);
    }
    expect((await get('/api/v1/hazards/UNK-1')).status).toBe(404); // a rejected item leaves no trace
    expect((await get('/api/v1/hazards/UNK-3')).status).toBe(404);
  });

  it('answers 413 to more than 5000 hazards and takes exactly 5000', async () => {
    const before = await provinceTotal();
    const r = rng(5000);
    const many = Array.from({ length: 5001 }, (_, i) => makeHazard(r, i, { id: `BIG-${i}`, level: 'general' }));
    const res = await postHazards(srv.url, srv.tokens.admin, many);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('batch_too_large');
    expect(await provinceTotal()).toBe(before);
    const ok = await postHazards(srv.url, srv.tokens.admin, many.slice(0, 5000));
    expect(ok.body).toEqual({ accepted: 5000, duplicates: 0, rejected: [] });
    expect(await provinceTotal()).toBe(before + 5000);
  });

  it('keeps a city token inside its city', async () => {
    const forbidden = [
      '/api/v1/summary?region=140100', `/api/v1/summary?region=${PROVINCE_CODE}`, '/api/v1/hazards?region=140100',
      `/api/v1/hazards?region=${PROVINCE_CODE}`,
    ];
    for (const path of forbidden) {
      const res = await get(path, cityViewer);
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe('forbidden_region');
    }
    const own = await get('/api/v1/summary', cityViewer);
    expect(own.status).toBe(200);
    expect(own.body.region).toBe(CITY);
    const list = await get('/api/v1/hazards?limit=500', cityViewer);
    expect(list.body.items.length).toBeGreaterThan(0);
    for (const h of list.body.items) expect(isWithin(h.regionCode, CITY)).toBe(true);
    const elsewhere = [...model.values()].find((h) => !isWithin(h.regionCode, CITY))!;
    expect((await get(`/api/v1/hazards/${elsewhere.id}`, cityViewer)).status).toBe(403);
    expect((await post('/api/v1/hazards', fresh('VIEWER-1'), cityViewer)).status).toBe(403);
    const ack = await cityScreen.socket.timeout(5000).emitWithAck('summary:subscribe', { region: PROVINCE_CODE });
    expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden_region' } });
  });

  it('refuses a socket without a valid token, saying why', async () => {
    expect(await refusal(srv.url, undefined)).toMatch(/token is required/);
    expect(await refusal(srv.url, 'hz_not_a_real_token')).toMatch(/not valid/);
  });
});
