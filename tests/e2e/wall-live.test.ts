/**
 * The wall stays true: a major hazard posted over HTTP reaches the ticker and the totals; a dead server turns
 * the screen stale within seconds; a restarted server brings it back live, without a reload.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { COLUMNS } from '../../shared/import';
import { childrenOf } from '../../shared/regions';
import { startServer, postHazards, type ChildServer } from '../helpers/server';
import { launchChromium, majorHazard, mapLabelsShown, openWall, seed, summaryOf, waitKpisMatch, watchConsole } from './wall-helpers';

describe('wall live updates', () => {
  let server: ChildServer;
  let browser: Browser;
  let page: Page;
  let log: ReturnType<typeof watchConsole>;

  beforeAll(async () => {
    server = await startServer();
    await seed(server, 120);
    browser = await launchChromium();
    page = await openWall(browser, server, { width: 1920, height: 1080 });
    log = watchConsole(page);
    await waitKpisMatch(page, server, '140000');
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const stillSamePage = () => page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);

  async function postAndSee(id: string, region: string, title: string): Promise<void> {
    const res = await postHazards(server.url, server.tokens.admin, [majorHazard(id, region, title)]);
    expect(res.body.accepted).toBe(1);
    const item = await page.waitForSelector(`[data-testid="ticker"] [data-hazard-id="${id}"]`, { timeout: 10_000 });
    expect(await item.textContent()).toContain(title);
    await waitKpisMatch(page, server, '140000', 10_000);
  }

  it('a new major hazard reaches the ticker (highlighted as live) and the totals', async () => {
    const before = Number(await page.getAttribute('[data-testid="kpi-major-open"]', 'data-value'));
    const title = '主要通风机无备用电源 <b>&amp;</b> {n|x}';
    await postAndSee('E2E-LIVE-1', '141102', title);
    expect(Number(await page.getAttribute('[data-testid="kpi-major-open"]', 'data-value'))).toBe(before + 1);
    expect(await page.getAttribute('[data-testid="ticker"] [data-hazard-id="E2E-LIVE-1"]', 'class')).toContain('live');
    // the markup in the title stayed text
    expect(await page.$('[data-testid="ticker"] b')).toBeNull();
    // the map's labels (text over the canvas, kept apart from the canvas' redraws) say every city's number of now
    const s = await summaryOf(server, '140000');
    const want = Object.fromEntries(childrenOf('140000').map((r) => {
      const c = s.byRegion[r.code];
      return [r.code, !c || c.total === 0 ? null : c.majorOpen];
    }));
    await expect.poll(() => mapLabelsShown(page)).toEqual(want);
    // and every sector's row its total and open majors (a row is rebuilt only when what it shows moved)
    const sectors = await page.$$eval('[data-sector]', (rows) => rows.map((r) => [
      (r as HTMLElement).dataset.sector, Number(r.querySelector('.total')?.textContent?.replace(/,/g, '')), Number(r.querySelector('.mo')?.textContent?.replace(/,/g, '')),
    ]));
    expect(sectors.length).toBe(20);
    for (const [code, total, majorOpen] of sectors) expect([total, majorOpen]).toEqual([s.bySector[code as string]?.total ?? 0, s.bySector[code as string]?.majorOpen ?? 0]);
  });

  it('runs no endless animation while live: an idle wall draws no frame (docs/perf/client.md)', async () => {
    await page.waitForSelector('[data-testid="freshness"][data-state="live"]');
    const endless = () => page.evaluate(() => document.getAnimations()
      .filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().iterations === Infinity)
      .map((a) => (a as CSSAnimation).animationName ?? String(a.id)));
    expect(await endless()).toEqual([]);
  });

  it('an import of 3,000 major hazards: the ticker shows the newest, the totals match, the wall stays live and the same page', async () => {
    const header = COLUMNS.map((c) => c.header).join(',');
    const counties = ['140100', '140400', '140800', '141000', '141100'].map((city) => childrenOf(city)[0]!.code);
    const rows = Array.from({ length: 3000 }, (_, i) => `E2E-IMP-${i},${counties[i % counties.length]},coal,重大隐患,导入的重大隐患 ${i},,,,,2024-11-18 09:30,2025-01-31,`);
    const fd = new FormData();
    fd.append('file', new Blob([`${header}\r\n${rows.join('\r\n')}\r\n`]), 'burst.csv');
    const res = await fetch(`${server.url}/api/v1/hazards/import`, { method: 'POST', headers: { authorization: `Bearer ${server.tokens.admin}` }, body: fd });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await res.json()).accepted).toBe(3000);
    // the last row committed is the newest on the ticker
    await page.waitForSelector('[data-testid="ticker"] [data-hazard-id="E2E-IMP-2999"]', { timeout: 15_000 });
    await waitKpisMatch(page, server, '140000');
    expect(await page.getAttribute('[data-testid="freshness"]', 'data-state')).toBe('live');
    const shown = await page.$$eval('[data-testid="ticker"] [data-hazard-id]', (xs) => xs.map((x) => (x as HTMLElement).dataset.hazardId));
    expect(shown[0]).toBe('E2E-IMP-2999');
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown.slice(0, 3)).toEqual(['E2E-IMP-2999', 'E2E-IMP-2998', 'E2E-IMP-2997']);
    expect(await stillSamePage()).toBe(true);
    expect(log.errors).toEqual([]);
  });

  it('turns stale when the server dies, and live again after a restart, without a reload', async () => {
    const asOf = await page.getAttribute('[data-testid="freshness"]', 'data-as-of');
    await server.kill();
    const killedAt = Date.now();
    await page.waitForSelector('[data-testid="freshness"][data-state="stale"]', { timeout: 25_000 });
    const staleAfter = Date.now() - killedAt;
    // the socket reports the closed connection at once: stale within 2 s of the kill, not 15 s after the last heartbeat
    expect(staleAfter).toBeLessThan(2_000);
    expect(await page.textContent('[data-testid="freshness"]')).toContain('数据未更新');
    expect(await page.getAttribute('[data-testid="freshness"]', 'data-as-of')).toBe(asOf);
    // how long nothing has come, counted from the last signal: a few seconds now, more a few seconds later
    const silentFor = async () => Number(/已 (\d+)秒 未收到更新/.exec((await page.textContent('[data-testid="freshness"]')) ?? '')?.[1] ?? NaN);
    const first = await silentFor();
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(10);
    await expect.poll(silentFor, { timeout: 10_000 }).toBeGreaterThanOrEqual(first + 2);
    await page.screenshot({ path: resolve(import.meta.dirname, '../../docs/screenshots/wall-stale-1920x1080.png') });
    await page.setViewportSize({ width: 3840, height: 2160 });
    await page.waitForSelector('[data-testid="freshness"][data-state="stale"]');
    await page.screenshot({ path: resolve(import.meta.dirname, '../../docs/screenshots/wall-stale-3840x2160.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });

    await server.restart();
    await page.waitForSelector('[data-testid="freshness"][data-state="live"]', { timeout: 45_000 });
    expect(await stillSamePage()).toBe(true);
    await waitKpisMatch(page, server, '140000');
    // re-subscribed: new reports flow again
    await postAndSee('E2E-LIVE-2', '140105', '液氨储罐区未设置紧急切断装置');
    expect(await stillSamePage()).toBe(true);
    expect(log.errors).toEqual([]);
  });
});
