/**
 * The desk in real Chromium against the built client and the real server: a county official signs in,
 * reports a hazard from the desk form (the API's messages in Chinese next to the fields), rectifies a
 * major hazard through the drawer with a 五落实 plan and evidence, the province accepts and closes it,
 * and the wall's numbers move; 五落实缺项 is marked and filtered in the ledger and counted on the wall; date fields
 * write their day out in Chinese whatever the browser's locale. Screenshots of /login, /desk, /desk/report, the
 * drawer's actions, the ledger's 五落实缺项 and the wall's count.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { openStore } from '../../server/store';
import { PASSWORD, PNG_1PX, createPerson } from '../helpers/people';
import { api, postHazards, startServer, type ChildServer } from '../helpers/server';
import { kpis, launchChromium, openWall, seed, signIn, waitKpisMatch, waitLive, watchConsole } from './wall-helpers';

const SHOTS = resolve(import.meta.dirname, '../../docs/screenshots');
const COUNTY = '141102'; // 吕梁市离石区
const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

let server: ChildServer;
let browser: Browser;
let wall: Page;
const logs: Array<ReturnType<typeof watchConsole>> = [];

async function signedIn(username: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  logs.push(watchConsole(page));
  return signIn(page, server, username);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  await seed(server, 80);
  const store = await openStore(loadConfig({ DATA_DIR: server.dataDir }));
  await createPerson(store.tokens, 'ls.wang', '王建国', 'reporter', COUNTY);
  await createPerson(store.tokens, 'sx.chen', '陈志远', 'reporter', '140000');
  await store.close();
  const base = { regionCode: COUNTY, sector: 'coal', source: 'inspection' as const, discoveredAt: new Date(Date.now() - 20 * 86_400_000).toISOString() };
  const r = await postHazards(server.url, server.tokens.admin, [
    { ...base, id: 'DESK-MAJOR', level: 'major', title: '主斜井提升机制动系统失效', deadline: day(2) },
    { ...base, id: 'DESK-LATE', level: 'general', title: '采区变电所消防器材过期', deadline: day(-3), sector: 'fire' },
    { ...base, id: 'DESK-LISTED', level: 'major', title: '瓦斯抽采系统能力不足', deadline: day(30), sector: 'coal' },
    { ...base, id: 'DESK-NOPLAN', level: 'major', title: '井下中央变电所防火门失效', deadline: day(25), sector: 'coal' },
    { ...base, id: 'DESK-NOPLAN2', level: 'major', title: '尾矿库排洪井堵塞', deadline: day(40), sector: 'noncoal' },
  ]);
  expect(r.body.accepted).toBe(5);
  // into rectification without a 五落实 plan (the API allows it; the desk form does not)
  expect((await api(server.url, server.tokens.admin, 'POST', '/api/v1/hazards/DESK-NOPLAN/transitions', { to: 'rectifying' })).status).toBe(200);
  expect((await api(server.url, server.tokens.admin, 'POST', '/api/v1/hazards/DESK-LISTED/listing', { by: 'province', document: '晋安委督〔2026〕2号' })).status).toBe(200);
  browser = await launchChromium();
  wall = await openWall(browser, server, { width: 1920, height: 1080 });
  await waitKpisMatch(wall, server, '140000');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the desk', () => {
  it('/login refuses a wrong password in Chinese, and signs in to /desk', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
    await page.goto(`${server.url}/login`);
    await page.fill('[data-testid="login-username"]', 'ls.wang');
    await page.fill('[data-testid="login-password"]', 'not the password');
    await page.click('[data-testid="login-submit"]');
    expect(await (await page.waitForSelector('[data-testid="login-error"]')).textContent()).toBe('用户名或密码错误');
    await page.fill('[data-testid="login-password"]', '');
    await page.screenshot({ path: resolve(SHOTS, 'login-1920x1080.png') });
    await page.close();
  });

  it('/desk shows my queue: overdue, due within 3 days, listed by a higher level, each with its action', async () => {
    const page = await signedIn('ls.wang');
    await page.waitForSelector('[data-testid="queue-overdue"] li');
    expect(await page.textContent('[data-testid="desk-user"]')).toContain('王建国');
    expect(await page.$('[data-testid="queue-overdue"] [data-hazard-id="DESK-LATE"]')).not.toBeNull();
    expect(await page.$('[data-testid="queue-dueSoon"] [data-hazard-id="DESK-MAJOR"]')).not.toBeNull();
    expect(await page.$('[data-testid="queue-listedAbove"] [data-hazard-id="DESK-LISTED"]')).not.toBeNull();
    expect(await page.$$eval('[data-testid="queue-planMissing"] [data-hazard-id]', (l) => l.map((x) => x.getAttribute('data-hazard-id')))).toEqual(['DESK-NOPLAN']);
    expect(await page.getAttribute('[data-testid="queue-act-DESK-MAJOR"]', 'href')).toBe('/hazards?id=DESK-MAJOR');
    await page.screenshot({ path: resolve(SHOTS, 'desk-1920x1080.png') });
    await page.setViewportSize({ width: 3840, height: 2160 });
    await page.screenshot({ path: resolve(SHOTS, 'desk-3840x2160.png') });
    await page.close();
  });

  it('/desk/report: the messages next to the fields in Chinese, then a general hazard with a title and a sector; the wall moves', async () => {
    const page = await signedIn('ls.wang');
    await page.goto(`${server.url}/desk/report`);
    await page.waitForSelector('[data-testid="report-form"]');
    expect(await page.inputValue('[data-testid="report-region"]')).toBe(COUNTY);
    expect(await page.$$eval('[data-testid="report-sector"] option', (o) => o.map((x) => (x as HTMLOptionElement).value))).toContain('coal');
    await page.click('[data-testid="report-submit"]');
    expect(await (await page.waitForSelector('[data-testid="error-title"]')).textContent()).toBe('必填');
    expect(await page.textContent('[data-testid="error-sector"]')).toBe('必填');
    await page.selectOption('[data-testid="report-level"]', 'major');
    await page.fill('[data-testid="report-title"]', '井下避难硐室压风管路未接通');
    await page.selectOption('[data-testid="report-sector"]', 'coal');
    await page.click('[data-testid="report-submit"]');
    expect(await (await page.waitForSelector('[data-testid="error-deadline"]')).textContent()).toBe('重大隐患必须填写整改期限');
    await page.screenshot({ path: resolve(SHOTS, 'desk-report-1920x1080.png') });

    const before = (await kpis(wall))['kpi-total']!;
    await page.selectOption('[data-testid="report-level"]', 'general');
    await page.click('[data-testid="report-submit"]');
    const done = await (await page.waitForSelector('[data-testid="report-done"]')).textContent();
    const id = /已上报：(\S+)/.exec(done ?? '')![1]!;
    const h = (await api(server.url, server.tokens.admin, 'GET', `/api/v1/hazards/${id}`)).body;
    expect(h).toMatchObject({ level: 'general', regionCode: COUNTY, sector: 'coal', source: 'inspection', status: 'reported' });
    expect(h.history[0].actor).toMatchObject({ kind: 'user', username: 'ls.wang', displayName: '王建国' });
    await wall.waitForFunction((n) => Number(document.querySelector('[data-testid="kpi-total"]')?.getAttribute('data-value')) === n + 1, before, { timeout: 10_000 });
    await page.close();
  });

  it('the drawer offers only my actions: the county rectifies with a plan and evidence, the province accepts and closes', async () => {
    const county = await signedIn('ls.wang');
    await county.goto(`${server.url}/hazards?id=DESK-MAJOR`);
    await county.waitForSelector('[data-testid="action-plan"]');
    const offered = await county.$$eval('[data-testid="hazard-actions"] .act', (b) => b.map((x) => x.getAttribute('data-testid')));
    expect(offered).toEqual(['action-plan', 'action-reject', 'action-downgrade', 'action-extend', 'action-evidence']); // no listing for a county
    await county.click('[data-testid="action-plan"]');
    await county.click('[data-testid="action-submit"]');
    expect(await county.$$eval('[data-testid="action-form-plan"] .err', (e) => e.length)).toBe(4);
    await county.fill('[data-testid="field-responsible"]', '矿长 李强');
    await county.fill('[data-testid="field-measures"]', '更换制动闸瓦，重新整定制动力矩');
    await county.fill('[data-testid="field-funds"]', '36万元');
    await county.fill('[data-testid="field-contingency"]', '提升机停用期间人员由副井升降');
    await county.screenshot({ path: resolve(SHOTS, 'drawer-actions-plan-1920x1080.png') });
    await county.click('[data-testid="action-submit"]');
    await county.waitForSelector('[data-testid="action-rectified"]');
    await county.click('[data-testid="action-rectified"]');
    await county.setInputFiles('[data-testid="field-file"]', { name: '制动系统检测报告.png', mimeType: 'image/png', buffer: PNG_1PX });
    await county.fill('[data-testid="field-note"]', '已更换并检测合格');
    await county.click('[data-testid="action-submit"]');
    await county.waitForSelector('[data-testid="action-fail"]');
    // a county never lists
    expect(await county.$('[data-testid="action-list"]')).toBeNull();
    await county.close();

    const province = await signedIn('sx.chen');
    await province.goto(`${server.url}/hazards?id=DESK-MAJOR`);
    await province.click('[data-testid="action-accept"]');
    await province.fill('[data-testid="field-opinion"]', '现场复查合格，同意销号');
    await province.screenshot({ path: resolve(SHOTS, 'drawer-actions-accept-1920x1080.png') });
    await province.click('[data-testid="action-submit"]');
    await province.waitForSelector('[data-testid="hazard-actions"] .none');
    const kinds = await province.$$eval('[data-testid="hazard-history"] li', (l) => l.map((x) => x.getAttribute('data-kind')));
    expect(kinds).toEqual(['reported', 'transition', 'evidence', 'transition', 'transition']);
    expect(await province.textContent('[data-testid="hazard-history"]')).toContain('陈志远（sx.chen）');
    const h = (await api(server.url, server.tokens.admin, 'GET', '/api/v1/hazards/DESK-MAJOR')).body;
    expect(h.status).toBe('closed');
    expect(h.history.at(-1).data.acceptance).toEqual({ result: 'passed', by: '陈志远', opinion: '现场复查合格，同意销号' });
    await waitKpisMatch(wall, server, '140000', 10_000);
    await province.close();
  });

  it('a county person sees no close or extension for what the province listed', async () => {
    const county = await signedIn('ls.wang');
    await county.goto(`${server.url}/hazards?id=DESK-LISTED`);
    await county.waitForSelector('[data-testid="action-plan"]');
    const offered = await county.$$eval('[data-testid="hazard-actions"] .act', (b) => b.map((x) => x.getAttribute('data-testid')));
    expect(offered).toEqual(['action-plan', 'action-evidence']);
    await county.screenshot({ path: resolve(SHOTS, 'drawer-actions-listed-1920x1080.png') });
    await county.close();
    for (const l of logs) expect(l.errors).toEqual([]);
  });
  it('五落实缺项: the ledger marks and filters it, the wall counts it, and the count moves', async () => {
    const missing = async (region: string) => {
      const r = await api(server.url, server.tokens.admin, 'GET', `/api/v1/hazards?region=${region}&planMissing=true&limit=100`);
      return (r.body.items as Array<{ id: string }>).map((h) => h.id).sort();
    };
    const ids = await missing('140000');
    expect(ids).toContain('DESK-NOPLAN');

    const county = await signedIn('ls.wang');
    await county.goto(`${server.url}/hazards?planMissing=true`);
    await county.waitForSelector('[data-hazard-id="DESK-NOPLAN"] [data-testid="badge-plan-missing"]');
    expect(await county.inputValue('[data-filter="planMissing"]')).toBe('true');
    const rows = await county.$$eval('tbody tr', (r) => r.map((x) => [x.getAttribute('data-hazard-id'), x.querySelector('[data-testid="badge-plan-missing"]')?.textContent]));
    expect(rows.map(([id]) => id).sort()).toEqual(await missing(COUNTY));
    expect(rows.every(([, badge]) => badge === '五落实缺项')).toBe(true);
    await county.screenshot({ path: resolve(SHOTS, 'hazards-plan-missing-1920x1080.png') });
    await county.click('[data-hazard-id="DESK-NOPLAN"]');
    await county.waitForSelector('[data-testid="plan-missing"]');
    await county.screenshot({ path: resolve(SHOTS, 'drawer-plan-missing-1920x1080.png') });
    await county.close();

    const shown = (n: number) => wall.waitForFunction((text) => document.querySelector('[data-testid="wall-plan-missing"]')?.textContent?.trim() === text, `五落实缺项 ${n}`, { timeout: 20_000 });
    await shown(ids.length);
    expect((await api(server.url, server.tokens.admin, 'POST', '/api/v1/hazards/DESK-NOPLAN2/transitions', { to: 'rectifying' })).status).toBe(200);
    expect(await missing('140000')).toEqual([...ids, 'DESK-NOPLAN2'].sort());
    await shown(ids.length + 1);
    await waitLive(wall);
    await wall.screenshot({ path: resolve(SHOTS, 'wall-plan-missing-1920x1080.png') });
  });

  it('date fields write their day out in Chinese, even in a browser set to English', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1, locale: 'en-US' });
    await page.goto(`${server.url}/login`);
    await page.fill('[data-testid="login-username"]', 'ls.wang');
    await page.fill('[data-testid="login-password"]', PASSWORD);
    await Promise.all([page.waitForURL(/\/desk$/), page.click('[data-testid="login-submit"]')]);
    await page.goto(`${server.url}/desk/report`);
    await page.selectOption('[data-testid="report-level"]', 'major');
    expect(await page.getAttribute('[data-testid="report-deadline"]', 'lang')).toBe('zh-CN');
    expect(await page.textContent('[data-testid="hint-deadline"]')).toBe('格式：年-月-日');
    await page.fill('[data-testid="report-deadline"]', '2026-12-20');
    expect(await page.textContent('[data-testid="hint-deadline"]')).toBe('2026年12月20日星期日');
    await page.screenshot({ path: resolve(SHOTS, 'desk-report-date-1920x1080.png') });

    await page.goto(`${server.url}/hazards?id=DESK-NOPLAN2`);
    await page.click('[data-testid="action-extend"]');
    expect(await page.textContent('[data-testid="hint-newDeadline"]')).toBe('格式：年-月-日');
    await page.fill('[data-testid="field-newDeadline"]', '2027-01-05');
    expect(await page.textContent('[data-testid="hint-newDeadline"]')).toBe('2027年1月5日星期二');
    await page.close();
  });
});
