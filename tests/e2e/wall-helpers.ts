/**
 * Shared steps of the wall's browser tests: Debian's Chromium through playwright-core (never a downloaded
 * browser), the wall opened with a display token, and readers for what the screen and the API say.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { closeOutRate, rectifiedRate } from '../../shared/aggregation';
import { isWithin } from '../../shared/regions';
import type { HazardInput, Summary } from '../../shared/schemas';
import { api, postHazards, type ChildServer } from '../helpers/server';
import { makeHazard, rng } from '../helpers/hazards';
import { PASSWORD } from '../helpers/people';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Uncaught exceptions and console errors; network failures are kept apart (expected while a server is down). */
export function watchConsole(page: Page): { errors: string[]; network: string[] } {
  const errors: string[] = [];
  const network: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (/ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET|WebSocket connection to|Failed to load resource/.test(text)) network.push(text);
    else errors.push(text);
  });
  return { errors, network };
}

export async function openWall(browser: Browser, server: ChildServer, size: { width: number; height: number }, query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: size, deviceScaleFactor: 1 });
  await page.goto(`${server.url}/?token=${server.tokens.display}${query ? `&${query}` : ''}`);
  await waitLive(page);
  return page;
}

export async function waitLive(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForSelector('[data-testid="freshness"][data-state="live"]', { timeout });
  await page.waitForSelector('[data-testid="kpi-total"][data-value]:not([data-value=""])', { timeout });
}

export async function summaryOf(server: ChildServer, region: string): Promise<Summary> {
  const r = await api(server.url, server.tokens.admin, 'GET', `/api/v1/summary?region=${region}`);
  if (r.status !== 200) throw new Error(`summary ${region}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as Summary;
}

export async function kpis(page: Page): Promise<Record<string, number | null>> {
  return page.evaluate(() => {
    const out: Record<string, number | null> = {};
    for (const id of ['kpi-total', 'kpi-major-open', 'kpi-overdue', 'kpi-rectification-rate', 'kpi-closeout-rate', 'kpi-new-today']) {
      const v = document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-value');
      out[id] = v === null || v === undefined || v === '' ? null : Number(v);
    }
    return out;
  });
}

/** The map's labels as shown (DOM text over the canvas): region code → its number, or null for a blind spot. */
export async function mapLabelsShown(page: Page): Promise<Record<string, number | null>> {
  return page.evaluate(() => {
    const out: Record<string, number | null> = {};
    for (const el of document.querySelectorAll<HTMLElement>('[data-testid="map-label"]')) {
      const v = el.querySelector('.v');
      out[el.dataset.code!] = v ? Number(v.textContent!.replace(/,/g, '')) : null;
    }
    return out;
  });
}

export const expectedKpis = (s: Summary) => ({
  'kpi-total': s.totals.total,
  'kpi-major-open': s.totals.majorOpen,
  'kpi-overdue': s.totals.overdue,
  'kpi-rectification-rate': rectifiedRate(s.totals),
  'kpi-closeout-rate': closeOutRate(s.totals),
});

/** Waits until the screen's headline numbers equal the API's summary of the region. */
export async function waitKpisMatch(page: Page, server: ChildServer, region: string, timeout = 15_000): Promise<Summary> {
  const until = Date.now() + timeout;
  let last = '';
  for (;;) {
    const s = await summaryOf(server, region);
    const shown = await kpis(page);
    const want = expectedKpis(s);
    const ok = Object.entries(want).every(([k, v]) => shown[k] !== null && Math.abs((shown[k] as number) - v) < 1e-9);
    if (ok) return s;
    last = `shown ${JSON.stringify(shown)} want ${JSON.stringify(want)}`;
    if (Date.now() > until) throw new Error(`headline numbers never matched the summary of ${region}: ${last}`);
    await page.waitForTimeout(250);
  }
}

/**
 * A realistic spread: a few hundred hazards over the province except one city left silent (a blind spot on
 * the map), some reported against a city code, some moved along their lifecycle to rectified and closed.
 */
export async function seed(server: ChildServer, n = 320, silentCity = '140300'): Promise<HazardInput[]> {
  const r = rng(20241116);
  const hazards: HazardInput[] = [];
  for (let i = 0; hazards.length < n; i++) {
    const h = makeHazard(r, i, { id: `E2E-${i}`, title: `测试隐患 ${i}：通风系统检查发现问题` });
    if (!isWithin(h.regionCode, silentCity)) hazards.push(h);
  }
  const res = await postHazards(server.url, server.tokens.admin, hazards);
  if (res.status !== 200 || res.body.accepted !== hazards.length) throw new Error(`seed failed: ${JSON.stringify(res.body).slice(0, 500)}`);
  for (const h of hazards.slice(0, 140)) {
    const steps = h.level === 'major' ? ['rectifying', 'rectified', 'closed'] : ['rectified', 'closed'];
    const upto = Number(h.id.slice(4)) % 3 === 0 ? steps.length - 1 : steps.length;
    for (const to of steps.slice(0, upto)) {
      const t = await api(server.url, server.tokens.admin, 'POST', `/api/v1/hazards/${h.id}/transitions`, { to });
      if (t.status !== 200) throw new Error(`transition ${h.id} → ${to}: ${t.status} ${JSON.stringify(t.body)}`);
    }
  }
  return hazards;
}

export function majorHazard(id: string, regionCode: string, title: string): HazardInput {
  const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  return {
    id, regionCode, sector: 'coal', level: 'major', title, source: 'inspection',
    discoveredAt: new Date(Date.now() - 60_000).toISOString(), deadline: day,
  } as HazardInput;
}

/** Signs `username` in through the /login form (the desk's test password) and waits for the desk. */
export async function signIn(page: Page, server: ChildServer, username: string): Promise<Page> {
  await page.goto(`${server.url}/login`);
  await page.fill('[data-testid="login-username"]', username);
  await page.fill('[data-testid="login-password"]', PASSWORD);
  await Promise.all([page.waitForURL(/\/desk$/), page.click('[data-testid="login-submit"]')]);
  return page;
}
