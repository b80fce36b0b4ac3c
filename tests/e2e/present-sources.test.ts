/**
 * The presentation's by-source slide (the bulletins' 企业自查发现 / 部门检查发现 / 督查暗访 / 群众举报（12350）) in real
 * Chromium: every number on it equals the week's briefing bySource, and that equals a count of the hazards sent.
 * Screenshots at 1920×1080 and 3840×2160 go to docs/screenshots/.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Briefing } from '../../shared/briefing';
import { presetPeriod } from '../../shared/briefing-period';
import type { Source } from '../../shared/domain';
import { slidesFor } from '../../shared/present';
import { api, postHazards, startServer, type ChildServer } from '../helpers/server';
import { launchChromium, watchConsole } from './wall-helpers';

const SHOTS = resolve(import.meta.dirname, '../../docs/screenshots');
let server: ChildServer;
let browser: Browser;
const logs: Array<ReturnType<typeof watchConsole>> = [];

/** What happens to a hazard after it is reported. */
type Fate = 'open' | 'rectified' | 'closed' | 'rejected';
type Sent = { id: string; source: Source; level: 'major' | 'general'; fate: Fate };
const PLAN: Array<[Source, number]> = [['self_check', 23], ['inspection', 17], ['spot_check', 9], ['public_report', 7], ['monitoring', 3]];
const FATES: Fate[] = ['open', 'rectified', 'closed', 'open', 'rejected', 'rectified', 'open'];
const SENT: Sent[] = PLAN.flatMap(([source, n]) => Array.from({ length: n }, (_, i): Sent => ({
  id: `SRC-${source}-${i}`, source, level: i % 4 === 0 ? 'major' : 'general', fate: FATES[(i + source.length) % FATES.length]!,
})));
const REGIONS = ['140105', '140213', '140522', '141102', '140802', '140425'];

type ShownRow = { source: string; found: number; major: number; rectified: number; rejected: number; cells: string[] };

async function rowsOn(page: Page): Promise<ShownRow[]> {
  return page.$$eval('[data-testid="present-sources"] tbody tr', (trs) => trs.map((tr) => ({
    source: tr.getAttribute('data-source') ?? '',
    found: Number(tr.getAttribute('data-found')), major: Number(tr.getAttribute('data-major')),
    rectified: Number(tr.getAttribute('data-rectified')), rejected: Number(tr.getAttribute('data-rejected')),
    cells: [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim()),
  })));
}

async function open(query: string, size: { width: number; height: number }): Promise<Page> {
  const ctx = await browser.newContext({ viewport: size, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  logs.push(watchConsole(page));
  await page.goto(`${server.url}/present?${query}`);
  await page.waitForSelector('[data-testid="slide"]', { timeout: 30_000 });
  return page;
}
const onSources = (page: Page) => page.waitForSelector('[data-testid="slide"][data-kind="sources"] [data-testid="present-sources"] tr[data-source="total"]', { timeout: 15_000 });

let week: { from: string; to: string };
let briefing: Briefing;

beforeAll(async () => {
  server = await startServer();
  const at = new Date(Date.now() - 60_000).toISOString();
  const posted = await postHazards(server.url, server.tokens.admin, SENT.map((h, i) => ({
    id: h.id, regionCode: REGIONS[i % REGIONS.length], sector: i % 3 ? 'coal' : 'hazchem', level: h.level, source: h.source,
    title: h.level === 'major' ? '煤与瓦斯突出矿井未采取防突措施' : '安全警示标志缺失', discoveredAt: at, deadline: '2099-12-31',
  })));
  expect(posted.body).toMatchObject({ accepted: SENT.length });
  const move = async (id: string, to: string) => {
    const r = await api(server.url, server.tokens.admin, 'POST', `/api/v1/hazards/${id}/transitions`, { to, note: '核查' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };
  for (const h of SENT) {
    if (h.fate === 'rejected') await move(h.id, 'rejected');
    if (h.fate === 'rectified' || h.fate === 'closed') for (const to of ['rectifying', 'rectified']) await move(h.id, to);
    if (h.fate === 'closed') await move(h.id, 'closed');
  }
  const session = (await api(server.url, server.tokens.admin, 'GET', '/api/v1/session')).body as { today: string };
  week = presetPeriod('week', session.today);
  const b = await api(server.url, server.tokens.admin, 'GET', `/api/v1/briefing?region=140000&from=${week.from}&to=${week.to}`);
  expect(b.status).toBe(200);
  briefing = b.body as Briefing;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the by-source slide', () => {
  it('the API counts what was sent: found, major, rectified and found false, per source', () => {
    for (const [source] of PLAN) {
      const mine = SENT.filter((h) => h.source === source);
      const kept = mine.filter((h) => h.fate !== 'rejected');
      expect(briefing.bySource[source], source).toMatchObject({
        new: kept.length, newMajor: kept.filter((h) => h.level === 'major').length,
        newRectified: kept.filter((h) => h.fate === 'rectified' || h.fate === 'closed').length,
        rejected: mine.length - kept.length,
      });
    }
    expect(briefing.bySource.other).toMatchObject({ new: 0, rejected: 0 });
  });

  it('shows each number of the week\'s bySource, the four bulletin sources always, and the total of the period (1920×1080)', async () => {
    const page = await open(`token=${server.tokens.admin}&room=src&role=presenter`, { width: 1920, height: 1080 });
    await page.keyboard.press('End');
    await page.waitForSelector(`[data-testid="slide"][data-index="${slidesFor('140000').length - 1}"]`, { timeout: 5000 });
    await page.keyboard.press('ArrowLeft');
    await onSources(page);
    expect(await page.locator('[data-testid="slide"] h1').textContent()).toBe('隐患来源（本周）');
    const rows = await rowsOn(page);
    // monitoring found something, other did not: it is left out
    expect(rows.map((r) => r.source)).toEqual(['self_check', 'inspection', 'spot_check', 'public_report', 'monitoring', 'total']);
    for (const r of rows) {
      const c = r.source === 'total' ? briefing.current : briefing.bySource[r.source]!;
      expect({ found: r.found, major: r.major, rectified: r.rectified, rejected: r.rejected }, r.source)
        .toEqual({ found: c.new, major: c.newMajor, rectified: c.newRectified, rejected: c.rejected });
      // what is written is what the attributes say, and the rate is rectified ÷ found, one decimal
      const rate = c.new ? `${(Math.round((c.newRectified / c.new) * 1000) / 10).toFixed(1)}%` : '—';
      expect(r.cells.filter((x) => x !== ''), r.source).toEqual([r.cells[0], String(c.new), String(c.newMajor), String(c.newRectified), rate, String(c.rejected)]);
    }
    expect(rows[3]!.cells[0]).toBe('群众举报（12350）');
    expect(rows.at(-1)!.found).toBe(SENT.filter((h) => h.fate !== 'rejected').length);
    const text = await page.locator('[data-testid="present-sources"]').textContent();
    const zhDay = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8))}日`;
    expect(text).toContain(`统计期间：${week.from === week.to ? zhDay(week.from) : `${zhDay(week.from)} 至 ${zhDay(week.to)}`}`);
    expect(await page.$eval('[data-testid="present-sources"]', (el) => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1)).toBe(true);
    await page.screenshot({ path: resolve(SHOTS, 'present-sources-1920x1080.png') });
  });

  it('a 4K follower shows the same numbers, and fits (3840×2160)', async () => {
    const page = await open(`token=${server.tokens.display}&room=src`, { width: 3840, height: 2160 });
    await onSources(page);
    const rows = await rowsOn(page);
    expect(rows.map((r) => [r.source, r.found, r.rectified])).toEqual(
      [...['self_check', 'inspection', 'spot_check', 'public_report', 'monitoring'].map((s) => [s, briefing.bySource[s]!.new, briefing.bySource[s]!.newRectified]),
        ['total', briefing.current.new, briefing.current.newRectified]]);
    expect(await page.$eval('[data-testid="present-sources"]', (el) => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1)).toBe(true);
    await page.screenshot({ path: resolve(SHOTS, 'present-sources-3840x2160.png') });
  });

  it('in English at ?lang=en, with the same numbers', async () => {
    const page = await open(`token=${server.tokens.viewer}&room=src&lang=en`, { width: 1920, height: 1080 });
    await onSources(page);
    expect(await page.locator('[data-testid="slide"] h1').textContent()).toBe('By source (this week)');
    const rows = await rowsOn(page);
    expect(rows.map((r) => r.cells[0])).toEqual(['Self-check', 'Inspection', 'Spot check', 'Public report (12350)', 'Monitoring', 'Total']);
    expect(rows.map((r) => r.found)).toEqual([...['self_check', 'inspection', 'spot_check', 'public_report', 'monitoring'].map((s) => briefing.bySource[s]!.new), briefing.current.new]);
    await page.screenshot({ path: resolve(SHOTS, 'present-sources-en-1920x1080.png') });
  });

  it('logged no errors', () => {
    for (const l of logs) expect(l.errors).toEqual([]);
  });
});
