/**
 * Accessibility of every page, in real Chromium against the built client and the real server: axe-core
 * (through @axe-core/playwright) finds no serious or critical violation on any screen or state a person
 * reaches — the wall in both locales and its blind-spot legend, the ledger with its drawer open, the
 * briefing, /present as presenter and follower, the import page, the sign-in and desk pages, the page
 * that asks before a ?token= link switches the session, a screen without a session and the OpenAPI page.
 * The map is a canvas axe cannot read: the test checks what carries its meaning beside the colour.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { PAGES } from '../../server/http/pages';
import { COLUMNS } from '../../shared/import';
import { openStore } from '../../server/store';
import { createPerson } from '../helpers/people';
import { api, postHazards, startServer, type ChildServer } from '../helpers/server';
import { launchChromium, majorHazard, seed, signIn, waitLive, watchConsole } from './wall-helpers';

let server: ChildServer;
let browser: Browser;
const visited = new Set<string>();
const logs: Array<ReturnType<typeof watchConsole>> = [];

type Finding = { id: string; impact: string; help: string; nodes: string[] };

/** The serious and critical violations on the page as it is now, each with the elements it names. */
async function violations(page: Page): Promise<Finding[]> {
  visited.add(new URL(page.url()).pathname);
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact!, help: v.help, nodes: v.nodes.slice(0, 6).map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`) }));
}

async function fresh(size = { width: 1920, height: 1080 }): Promise<Page> {
  const ctx = await browser.newContext({ viewport: size, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  logs.push(watchConsole(page));
  return page;
}

async function open(path: string, token: string | null, ready: string, size?: { width: number; height: number }): Promise<Page> {
  const page = await fresh(size);
  const sep = path.includes('?') ? '&' : '?';
  await page.goto(`${server.url}${path}${token ? `${sep}token=${token}` : ''}`);
  await page.waitForSelector(ready, { timeout: 60_000 });
  return page;
}

async function signedIn(username: string): Promise<Page> {
  return signIn(await fresh(), server, username);
}

beforeAll(async () => {
  server = await startServer();
  await seed(server, 160);
  const r = await postHazards(server.url, server.tokens.admin, [majorHazard('A11Y-MAJOR', '141102', '主斜井提升机制动系统失效')]);
  expect(r.body.accepted).toBe(1);
  expect((await api(server.url, server.tokens.admin, 'POST', '/api/v1/hazards/A11Y-MAJOR/transitions', { to: 'rectifying', note: '已下达整改指令书' })).status).toBe(200);
  const store = await openStore(loadConfig({ DATA_DIR: server.dataDir }));
  await createPerson(store.tokens, 'ls.wang', '王建国', 'reporter', '141102');
  await store.close();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('accessibility (axe-core: no serious or critical violation)', () => {
  it('the wall, in Chinese and in English, at 1920×1080', async () => {
    for (const lang of ['', 'lang=en']) {
      const page = await fresh();
      await page.goto(`${server.url}/?token=${server.tokens.display}${lang ? `&${lang}` : ''}`);
      await waitLive(page);
      expect.soft(await violations(page)).toEqual([]);
      await page.close();
    }
  });

  it('the map never says a thing by colour alone: each region is labelled with its number or 盲区, blind spots are hatched', async () => {
    const page = await open('/', server.tokens.display, '[data-testid="map-chart"]');
    await waitLive(page);
    // the choropleth is a canvas: it is named for assistive technology, and its legend says what the hatch means
    const map = page.locator('[data-testid="map-chart"]');
    expect(await map.getAttribute('role')).toBe('img');
    // the seed leaves 阳泉市 silent: its name in the map's text is followed by the blind-spot word, not a 0
    const said = (await map.getAttribute('aria-label')) ?? '';
    expect(said).toMatch(/^重大未整改：/);
    expect(said).toContain('阳泉市 无上报（盲区）');
    expect(said).toMatch(/太原市 \d+/);
    const hatch = await page.$eval('[data-testid="legend-blind"] .sw', (e) => getComputedStyle(e).backgroundImage);
    expect(hatch).toContain('repeating-linear-gradient');
    expect(await page.textContent('[data-testid="legend-blind"]')).toContain('盲区');
    await page.close();
  });

  it('the ledger, and the ledger with a hazard open in its drawer', async () => {
    const page = await open('/hazards', server.tokens.admin, '[data-testid="hazard-table"] tbody tr');
    expect.soft(await violations(page)).toEqual([]);
    await page.click('[data-testid="hazard-table"] tr[data-hazard-id="A11Y-MAJOR"]');
    await page.waitForSelector('[data-testid="hazard-drawer"][data-hazard-id="A11Y-MAJOR"] [data-testid="hazard-history"] li');
    expect.soft(await violations(page)).toEqual([]);
    await page.close();
  });

  it('the briefing', async () => {
    const page = await open('/briefing', server.tokens.viewer, '[data-testid="briefing-text"]', { width: 1600, height: 1000 });
    expect.soft(await violations(page)).toEqual([]);
    await page.close();
  });

  it('/present, as presenter and as follower', async () => {
    const presenter = await open('/present?room=a11y&role=presenter', server.tokens.admin, '[data-testid="slide"]');
    const follower = await open('/present?room=a11y', server.tokens.display, '[data-testid="slide"]');
    expect(await presenter.locator('main').getAttribute('data-role')).toBe('presenter');
    expect.soft(await violations(presenter)).toEqual([]);
    expect.soft(await violations(follower)).toEqual([]);
    await presenter.keyboard.press('ArrowRight');
    await follower.waitForSelector('[data-testid="slide"][data-index="1"]');
    expect.soft(await violations(follower)).toEqual([]);
    await presenter.close();
    await follower.close();
  });

  it('the import page, for a reporter (before and after an upload) and read-only for a viewer', async () => {
    const reporter = await open('/import', server.tokens.reporter, '[data-testid="import-file"]');
    expect.soft(await violations(reporter)).toEqual([]);
    // and with a result: the finished progress bar, the counts and the rejected rows
    const csv = [COLUMNS.map((c) => c.header).join(','),
      'A11Y-CSV-1,吕梁市离石区,煤矿,一般隐患,无障碍检查导入 1,,永聚煤业有限公司,,企业自查,2024-11-18 09:30,,',
      'A11Y-CSV-2,火星市,煤矿,一般隐患,无障碍检查导入 2,,永聚煤业有限公司,,企业自查,2024-11-18 09:30,,'].join('\r\n');
    await reporter.setInputFiles('[data-testid="import-file"]', { name: 'a11y.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await reporter.click('[data-testid="import-submit"]');
    await reporter.waitForSelector('[data-testid="import-rejected"] tbody tr', { timeout: 60_000 });
    expect(await reporter.getAttribute('[data-testid="import-progress"]', 'data-state')).toBe('done');
    expect.soft(await violations(reporter)).toEqual([]);
    await reporter.close();
    const viewer = await open('/import', server.tokens.viewer, '[data-testid="import-readonly"]');
    expect.soft(await violations(viewer)).toEqual([]);
    await viewer.close();
  });

  it('/login, with its error shown', async () => {
    const page = await open('/login', null, '[data-testid="login-username"]');
    expect.soft(await violations(page)).toEqual([]);
    await page.fill('[data-testid="login-username"]', 'ls.wang');
    await page.fill('[data-testid="login-password"]', 'not the password');
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector('[data-testid="login-error"]');
    expect.soft(await violations(page)).toEqual([]);
    await page.close();
  });

  it('/desk and /desk/report, with the field messages shown', async () => {
    const page = await signedIn('ls.wang');
    await page.waitForSelector('[data-testid="queue-dueSoon"]');
    expect.soft(await violations(page)).toEqual([]);
    await page.goto(`${server.url}/desk/report`);
    await page.waitForSelector('[data-testid="report-form"]');
    expect.soft(await violations(page)).toEqual([]);
    await page.click('[data-testid="report-submit"]');
    await page.waitForSelector('[data-testid="error-title"]');
    expect.soft(await violations(page)).toEqual([]);
    await page.close();
  });

  it('the page that asks before a ?token= link switches the session', async () => {
    const page = await open('/hazards', server.tokens.admin, '[data-testid="hazard-table"]');
    await page.goto(`${server.url}/briefing?token=${server.tokens.viewer}`);
    await page.waitForSelector('form[action="/session/switch"]');
    expect.soft(await violations(page)).toEqual([]);
    visited.add('/session/switch');
    await page.close();
  });

  it('a screen without a session, and the OpenAPI page', async () => {
    const bare = await fresh();
    await bare.goto(`${server.url}/`);
    await bare.waitForSelector('text=未授权');
    expect.soft(await violations(bare)).toEqual([]);
    await bare.close();
    const docs = await fresh();
    await docs.goto(`${server.url}/api/v1/docs`);
    expect.soft(await violations(docs)).toEqual([]);
    await docs.close();
  });

  it('visited every page the server serves, without a console error', () => {
    for (const p of PAGES) expect(visited, `no axe run on ${p}`).toContain(p);
    for (const l of logs) expect(l.errors).toEqual([]);
  });
});
