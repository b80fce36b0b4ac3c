/**
 * Roles and scope on every endpoint and socket subscription, revocation, and who-did-what in history.
 * Real server in this process, real HTTP, real Socket.IO clients, tokens made as the CLI makes them.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HazardInput } from '../../shared/schemas';
import { api, createTokens, startApp, type InProcessServer, type Tokens } from '../helpers/server';
import { Screen, refusal, sleep } from '../helpers/live';

const ROOT = resolve(import.meta.dirname, '../..');
const TY = '140100'; // 太原市
const TY_COUNTY = '140105'; // 太原市小店区
const LL = '141100'; // 吕梁市
const LL_COUNTY = '141102'; // 吕梁市离石区

const hazard = (id: string, regionCode: string, over: Partial<HazardInput> = {}): HazardInput => ({
  id, regionCode, sector: 'coal', level: 'major', title: `隐患 ${id}`, source: 'inspection',
  discoveredAt: new Date(Date.now() - 3_600_000).toISOString(), deadline: '2099-12-31', ...over,
});

const EXTRA = ['reporterTY', 'viewerTY', 'displayTY', 'reporterLLCounty', 'viewerLL', 'revocable'] as const;
type Who = keyof Tokens | (typeof EXTRA)[number];

let s: InProcessServer;
let t: Record<Who, string>;

beforeAll(async () => {
  s = await startApp();
  const extra = await createTokens(s.dataDir, {
    reporterTY: { role: 'reporter', region: TY, name: '太原市应急管理局' },
    viewerTY: { role: 'viewer', region: TY, name: '太原市指挥中心' },
    displayTY: { role: 'display', region: TY, name: '太原大屏' },
    reporterLLCounty: { role: 'reporter', region: LL_COUNTY, name: '离石区应急管理局' },
    viewerLL: { role: 'viewer', region: LL, name: '吕梁市指挥中心' },
    revocable: { role: 'display', region: TY, name: '将被吊销的大屏' },
  });
  t = { ...s.tokens, ...(Object.fromEntries(EXTRA.map((k) => [k, extra[k]!])) as Record<(typeof EXTRA)[number], string>) };
  for (const [id, region] of [['TY-1', TY_COUNTY], ['TY-2', TY_COUNTY], ['LL-1', LL_COUNTY], ['LL-2', LL_COUNTY]] as const) {
    const r = await api(s.url, t.admin, 'POST', '/api/v1/hazards', hazard(id, region));
    expect(r.status).toBe(200);
  }
});
afterAll(() => s?.close());

describe('HTTP scope: a token reads and writes only its region and below', () => {
  // the last column names a feature built by another issue: while its route does not exist (404) the row is skipped, visibly
  it.for([
    ['viewerTY', 'GET', '/api/v1/hazards/TY-1', 200],
    ['viewerTY', 'GET', '/api/v1/hazards/LL-1', 403],
    ['displayTY', 'GET', '/api/v1/hazards/LL-1', 403],
    ['reporterLLCounty', 'GET', '/api/v1/hazards/LL-1', 200],
    ['viewerTY', 'GET', `/api/v1/hazards?region=${TY_COUNTY}`, 200],
    ['viewerTY', 'GET', `/api/v1/hazards?region=${LL}`, 403],
    ['viewerTY', 'GET', '/api/v1/hazards?region=140000', 403],
    ['reporterLLCounty', 'GET', `/api/v1/hazards?region=${LL}`, 403],
    ['viewerTY', 'GET', `/api/v1/summary?region=${TY_COUNTY}`, 200],
    ['viewerTY', 'GET', `/api/v1/summary?region=${LL}`, 403],
    ['displayTY', 'GET', '/api/v1/summary?region=140000', 403],
    ['viewerLL', 'GET', `/api/v1/trend?region=${TY}`, 403],
    ['viewerTY', 'GET', '/api/v1/chain/head', 403],
    ['reporterTY', 'GET', '/api/v1/chain/head', 403],
    ['admin', 'GET', '/api/v1/chain/head', 200],
    ['viewerTY', 'GET', `/api/v1/hazards/export?format=csv&region=${LL}`, 403, 'export'],
    ['displayTY', 'GET', `/api/v1/hazards/export?format=xlsx&region=${LL}`, 403, 'export'],
    ['viewerTY', 'GET', `/api/v1/briefing?region=${LL}&from=2024-01-01&to=2024-01-31`, 403, 'briefing'],
    ['viewerTY', 'GET', `/api/v1/briefing?region=${TY}&from=2024-01-01&to=2024-01-31`, 200, 'briefing'],
  ] as const)('%s %s %s → %i', async ([who, method, path, status, feature], { skip }) => {
    const r = await api(s.url, t[who], method, path);
    if (feature && r.status === 404) skip(`${feature} is not built yet`);
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    if (status === 403) expect(r.body.error.code).toBe(/chain/.test(path) ? 'forbidden_role' : 'forbidden_region');
  });

  it('an out-of-scope hazard is refused without saying where it is', async () => {
    const r = await api(s.url, t.viewerTY, 'GET', '/api/v1/hazards/LL-1');
    expect(r.body.error.message).not.toContain(LL_COUNTY);
    const w = await api(s.url, t.reporterTY, 'POST', '/api/v1/hazards/LL-1/transitions', { to: 'rectifying' });
    expect(w.status).toBe(403);
    expect(w.body.error.message).not.toContain(LL_COUNTY);
  });

  it('a list or summary without region is the token’s own region, and holds nothing from elsewhere', async () => {
    const list = await api(s.url, t.viewerTY, 'GET', '/api/v1/hazards?limit=500');
    expect(list.status).toBe(200);
    expect(list.body.items.map((h: { id: string }) => h.id).sort()).toEqual(['TY-1', 'TY-2']);
    const sum = await api(s.url, t.viewerLL, 'GET', '/api/v1/summary');
    expect(sum.body.region).toBe(LL);
    expect(sum.body.totals.total).toBe(2);
  });

  it('an export without region holds only the token’s region', async ({ skip }) => {
    const r = await fetch(`${s.url}/api/v1/hazards/export?format=csv`, { headers: { authorization: `Bearer ${t.viewerTY}` } });
    if (r.status === 404) skip('export is not built yet (issue 5)');
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).toContain('TY-1');
    expect(text).not.toContain('LL-1');
  });
});

describe('HTTP roles: viewer and display are read-only', () => {
  const writes: Array<[string, string, unknown]> = [
    ['/api/v1/hazards', 'POST', hazard('TY-new', TY_COUNTY)],
    ['/api/v1/hazards', 'POST', { hazards: [hazard('TY-new', TY_COUNTY)] }],
    ['/api/v1/hazards/TY-1/transitions', 'POST', { to: 'rectifying' }],
    ['/api/v1/hazards/TY-1/escalations', 'POST', { level: 'general', note: '核实为一般隐患' }],
    ['/api/v1/hazards/TY-1/listing', 'POST', { by: 'city' }],
    ['/api/v1/hazards/TY-1/extensions', 'POST', { deadline: '2100-01-01', reason: '设备到货延迟' }],
  ];
  it.each((['viewerTY', 'displayTY'] as const).flatMap((who) => writes.map(([path, method, body]) => [who, method, path, body] as const)))(
    '%s %s %s → 403 forbidden_role',
    async (who, method, path, body) => {
      const r = await api(s.url, t[who], method, path, body);
      expect(r.status, JSON.stringify(r.body)).toBe(403);
      expect(r.body.error.code).toBe('forbidden_role');
    },
  );

  it('nothing a read-only token sent was stored', async () => {
    const r = await api(s.url, t.admin, 'GET', '/api/v1/hazards/TY-new');
    expect(r.status).toBe(404);
    const one = await api(s.url, t.admin, 'GET', '/api/v1/hazards/TY-1');
    expect(one.body).toMatchObject({ status: 'reported', level: 'major', listedBy: null, extensions: 0 });
  });

  it('a reporter writes in its region; a batch item outside it is rejected on its own', async () => {
    const single = await api(s.url, t.reporterTY, 'POST', '/api/v1/hazards', hazard('X-LL', LL_COUNTY));
    expect(single.status).toBe(403);
    expect(single.body.error.code).toBe('forbidden_region');
    const batch = await api(s.url, t.reporterTY, 'POST', '/api/v1/hazards', { hazards: [hazard('TY-3', TY_COUNTY), hazard('X-LL2', LL_COUNTY)] });
    expect(batch.status).toBe(200);
    expect(batch.body.accepted).toBe(1);
    expect(batch.body.rejected).toEqual([{ index: 1, id: 'X-LL2', error: expect.objectContaining({ code: 'forbidden_region' }) }]);
    expect((await api(s.url, t.admin, 'GET', '/api/v1/hazards/X-LL2')).status).toBe(404);
    expect((await api(s.url, t.reporterTY, 'POST', '/api/v1/hazards/TY-2/transitions', { to: 'rectifying' })).status).toBe(200);
  });

  it.each([
    [undefined, 'unauthenticated'],
    ['hz_000000000000_not-a-real-secret', 'unauthenticated'],
    ['Bearer-less garbage', 'unauthenticated'],
  ])('token %s → 401 on every API path', async (token, code) => {
    for (const path of ['/api/v1/hazards', '/api/v1/summary', '/api/v1/hazards/TY-1', '/api/v1/chain/head', '/api/v1/session']) {
      const r = await api(s.url, token, 'GET', path);
      expect(r.status, path).toBe(401);
      expect(r.body.error.code).toBe(code);
    }
  });
});

describe('socket scope', () => {
  it('refuses a handshake without a valid token, saying why', async () => {
    expect(await refusal(s.url, undefined)).toMatch(/unauthenticated.*token is required/);
    expect(await refusal(s.url, 'hz_nope_nope')).toMatch(/unauthenticated.*not valid/);
  });

  it.each<[Who, string, boolean]>([
    ['viewerTY', TY, true],
    ['viewerTY', TY_COUNTY, true],
    ['viewerTY', LL, false],
    ['viewerTY', '140000', false],
    ['displayTY', LL_COUNTY, false],
    ['reporterLLCounty', LL, false],
    ['admin', LL, true],
  ])('%s subscribes to %s → ok %s', async (who, region, ok) => {
    const screen = await Screen.connect(s.url, t[who]);
    try {
      const ack = await screen.socket.timeout(5000).emitWithAck('summary:subscribe', { region });
      expect(ack.ok).toBe(ok);
      if (!ack.ok) expect(ack.error.code).toBe('forbidden_region');
    } finally {
      screen.close();
    }
  });

  it('a city token cannot take over the province’s presentation room, even by naming its own region', async () => {
    const [province, city] = await Promise.all([Screen.connect(s.url, t.admin), Screen.connect(s.url, t.viewerTY)]);
    try {
      const join = (screen: Screen, args: Record<string, unknown>) => screen.socket.timeout(5000).emitWithAck('present:join', args as never);
      expect(await join(province, { room: 'prov-hall', role: 'presenter' })).toMatchObject({ ok: true, state: { region: '140000' } });
      expect(await join(city, { room: 'prov-hall', role: 'presenter' })).toMatchObject({ ok: false, error: { code: 'forbidden_region' } });
      expect(await join(city, { room: 'prov-hall', role: 'presenter', region: TY })).toMatchObject({ ok: false, error: { code: 'forbidden_region' } });
      // its own room, yes
      expect(await join(city, { room: 'ty-hall', role: 'presenter', region: TY })).toMatchObject({ ok: true, state: { region: TY } });
    } finally {
      province.close();
      city.close();
    }
  });

  it('a page session cookie opens a socket with the same scope', async () => {
    const page = await fetch(`${s.url}/?token=${encodeURIComponent(t.viewerTY)}`, { redirect: 'manual' });
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    const socket = io(s.url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie, origin: s.url } });
    try {
      await new Promise<void>((ok, fail) => socket.once('connect', ok).once('connect_error', fail));
      expect((await socket.timeout(5000).emitWithAck('summary:subscribe', { region: TY })).ok).toBe(true);
      expect((await socket.timeout(5000).emitWithAck('summary:subscribe', { region: LL })).ok).toBe(false);
    } finally {
      socket.close();
    }
  });
});

describe('revocation', () => {
  it('stops HTTP at once and disconnects the token’s sockets within ~2 s', async () => {
    const token = t.revocable;
    const id = /^hz_([^_]+)_/.exec(token)![1]!;
    const screen = await Screen.connect(s.url, token);
    await screen.subscribe(TY);
    const told: string[] = [];
    screen.socket.on('session:revoked', (m) => told.push(m.message));
    const gone = new Promise<number>((r) => screen.socket.once('disconnect', () => r(Date.now())));
    expect((await api(s.url, token, 'GET', '/api/v1/summary')).status).toBe(200);

    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/token.ts', 'revoke', id], {
      cwd: ROOT, env: { ...process.env, DATA_DIR: s.dataDir, LOG_LEVEL: 'silent' }, encoding: 'utf8',
    });
    const revokedAt = Date.now();
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`revoked ${id}`);

    expect((await api(s.url, token, 'GET', '/api/v1/summary')).status).toBe(401);
    const elapsed = (await Promise.race([gone, sleep(6000).then(() => NaN)])) - revokedAt;
    expect(elapsed).toBeLessThan(4500);
    expect(told).toEqual(['this token was revoked']);
    expect(await refusal(s.url, token)).toMatch(/not valid/);
  });
});

describe('accountability', () => {
  it('every change in a hazard’s history names the token (id, name, role) and the time', async () => {
    const reporterId = /^hz_([^_]+)_/.exec(t.reporterTY)![1];
    const adminId = /^hz_([^_]+)_/.exec(t.admin)![1];
    const before = Date.now();
    expect((await api(s.url, t.reporterTY, 'POST', '/api/v1/hazards', hazard('TY-ACC', TY_COUNTY))).status).toBe(200);
    expect((await api(s.url, t.reporterTY, 'POST', '/api/v1/hazards/TY-ACC/transitions', { to: 'rectifying', note: '已停产整改' })).status).toBe(200);
    expect((await api(s.url, t.admin, 'POST', '/api/v1/hazards/TY-ACC/listing', { by: 'province' })).status).toBe(200);
    const h = await api(s.url, t.viewerTY, 'GET', '/api/v1/hazards/TY-ACC');
    expect(h.body.history.map((e: { kind: string }) => e.kind)).toEqual(['reported', 'transition', 'listing']);
    expect(h.body.history.map((e: { actor: unknown }) => e.actor)).toEqual([
      { kind: 'token', tokenId: reporterId, name: '太原市应急管理局', role: 'reporter', region: '140100' },
      { kind: 'token', tokenId: reporterId, name: '太原市应急管理局', role: 'reporter', region: '140100' },
      { kind: 'token', tokenId: adminId, name: 'test-admin', role: 'admin', region: '140000' },
    ]);
    for (const e of h.body.history) {
      expect(Date.parse(e.recordedAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(e.recordedAt)).toBeLessThanOrEqual(Date.now() + 1000);
      expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(h.body.history[1].data).toMatchObject({ from: 'reported', to: 'rectifying', note: '已停产整改' });
  });
});
