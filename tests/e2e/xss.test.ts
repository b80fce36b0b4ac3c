/**
 * Hazard text never becomes HTML: titles, enterprise names, descriptions and a token's name carry script,
 * and the wall (ticker, overdue list, map tooltips), the ledger (/hazards: table, drawer, history) and the
 * presentation page show them as text while nothing runs. The browser context bypasses the CSP on purpose:
 * the client's own text handling is under test here, not the policy (tests/integration/browser-safety
 * checks the policy), so a slip in either layer is caught on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { HazardInput } from '../../shared/schemas';
import { addDays } from '../../shared/time';
import { api, createTokens, postHazards, startServer, type ChildServer } from '../helpers/server';
import { launchChromium, waitLive, watchConsole } from './wall-helpers';

/** Each payload calls the exposed xssHit(tag) if it ever runs, and sets window.__xss. */
const PAYLOADS = [
  `<img src=x onerror="window.__xss=1;xssHit('img')">`,
  `<script>window.__xss=1;xssHit('script')</script>`,
  `javascript:window.__xss=1;xssHit('js-url')`,
  `"><svg onload="window.__xss=1;xssHit('svg')">`,
  `{n|x}{b|<img src=x onerror="xssHit('rich')">}`,
  `<a href="javascript:xssHit('href')" id="xss-link">点此</a>`,
  `' onmouseover='xssHit("attr")' x='`,
  `<iframe srcdoc="<script>parent.xssHit('iframe')</script>"></iframe>`,
];
const COUNTY = '141102'; // 吕梁市离石区
const today = new Date().toISOString().slice(0, 10);

function hazard(i: number, overdue: boolean): HazardInput {
  const payload = PAYLOADS[i % PAYLOADS.length]!;
  return {
    id: `XSS-${overdue ? 'OD' : 'NEW'}-${i}`,
    regionCode: COUNTY, sector: 'coal', level: 'major', source: 'inspection',
    title: `隐患${i} ${payload}`.slice(0, 200),
    description: `描述 ${payload}\n${PAYLOADS.join('\n')}`,
    enterprise: { name: `企业${i} ${payload}`.slice(0, 200) },
    discoveredAt: new Date(Date.now() - (overdue ? 20 : 0) * 86_400_000 - 60_000).toISOString(),
    deadline: overdue ? addDays(today, -5) : addDays(today, 30),
  };
}

describe('hazard text stays text in the browser', () => {
  let server: ChildServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let reporter: string;
  const hits: string[] = [];
  const dialogs: string[] = [];
  let log: ReturnType<typeof watchConsole>;

  beforeAll(async () => {
    server = await startServer();
    // an insider's token name is text too: it shows in every history entry the token writes
    reporter = (await createTokens(server.dataDir, { r: { role: 'reporter', name: `<img src=x onerror="xssHit('token-name')">` } })).r!;
    const early = PAYLOADS.map((_, i) => hazard(i, true));
    expect((await postHazards(server.url, reporter, early)).body.accepted).toBe(early.length);
    browser = await launchChromium();
    context = await browser.newContext({ bypassCSP: true, viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
    await context.exposeFunction('xssHit', (tag: string) => void hits.push(tag));
    page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    log = watchConsole(page);
    await page.goto(`${server.url}/?token=${server.tokens.display}`);
    await waitLive(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const noScriptRan = async (where: string) => {
    expect(hits, where).toEqual([]);
    expect(dialogs, where).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), where).toBeUndefined();
    expect(await page.$$('img[src="x"], svg[onload], iframe[srcdoc], #xss-link, script:not([src])'), where).toEqual([]);
  };

  it('the ticker shows new major hazards carrying script as literal text', async () => {
    const fresh = PAYLOADS.map((_, i) => hazard(i, false));
    expect((await postHazards(server.url, reporter, fresh)).body.accepted).toBe(fresh.length);
    for (const h of fresh) {
      const item = await page.waitForSelector(`[data-testid="ticker"] [data-hazard-id="${h.id}"]`, { timeout: 15_000 });
      expect(await item.textContent()).toContain(h.title);
      await item.hover();
    }
    await noScriptRan('ticker');
  });

  it('the overdue list and the map tooltips stay text while hovered', async () => {
    const list = await page.waitForSelector('[data-testid="overdue-list"] [data-hazard-id^="XSS-OD-"]', { timeout: 15_000 });
    expect(await list.textContent()).toContain('隐患');
    const text = (await page.textContent('[data-testid="overdue-list"]')) ?? '';
    for (const h of PAYLOADS.map((_, i) => hazard(i, true))) {
      if (await page.$(`[data-testid="overdue-list"] [data-hazard-id="${h.id}"]`)) expect(text).toContain(h.title);
    }
    const box = (await (await page.$('[data-testid="map"]'))!.boundingBox())!;
    for (let i = 0; i < 40; i++) {
      await page.mouse.move(box.x + box.width * (0.2 + 0.6 * ((i * 7) % 10) / 10), box.y + box.height * (0.1 + 0.8 * (i % 8) / 8));
      await page.waitForTimeout(40);
    }
    await noScriptRan('overdue list and map');
    expect(log.errors).toEqual([]);
  });

  it('the ledger (/hazards) shows titles, enterprises, descriptions and the token name as text', async ({ skip }) => {
    await page.goto(`${server.url}/hazards`);
    // the ledger is another issue's page: while views/index.ts still maps it to the placeholder, say so
    const built = await page.waitForSelector('[data-testid="hazard-table"], main.placeholder', { timeout: 15_000 });
    if (await built.evaluate((e) => e.classList.contains('placeholder'))) skip('/hazards is not built yet');
    const id = 'XSS-OD-0';
    const row = await page.waitForSelector(`[data-testid="hazard-table"] [data-hazard-id="${id}"]`, { timeout: 15_000 });
    const h = hazard(0, true);
    expect(await row.textContent()).toContain(h.title);
    expect(await row.textContent()).toContain(h.enterprise!.name);
    for (const other of await page.$$('[data-testid="hazard-table"] tbody tr')) await other.hover();
    await row.click();
    const drawer = await page.waitForSelector(`[data-testid="hazard-drawer"][data-hazard-id="${id}"] h2`, { timeout: 15_000 });
    expect(await drawer.textContent()).toBe(h.title);
    const whole = (await page.textContent('[data-testid="hazard-drawer"]')) ?? '';
    expect(whole).toContain(h.enterprise!.name);
    expect(whole).toContain(PAYLOADS[1]);
    expect(await page.textContent('[data-testid="history-actor"]')).toContain(`<img src=x onerror="xssHit('token-name')">`);
    await noScriptRan('/hazards');
  });

  it('the presentation page stays clean', async () => {
    await page.goto(`${server.url}/present?room=xss&role=presenter`);
    await page.waitForSelector('[data-testid="slide"]', { timeout: 15_000 });
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('ArrowRight');
      await page.waitForTimeout(150);
    }
    await noScriptRan('/present');
  });

  it('the API holds the payloads verbatim (they were stored as sent, not sanitised away)', async () => {
    const h = await api(server.url, server.tokens.admin, 'GET', '/api/v1/hazards/XSS-NEW-0');
    expect(h.body.title).toBe(hazard(0, false).title);
    expect(h.body.history[0].actor.name).toBe(`<img src=x onerror="xssHit('token-name')">`);
  });
});
