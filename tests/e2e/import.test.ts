/**
 * /import and /hazards in real Chromium against the built client and the real server: a workbook with
 * bad rows is uploaded through the page, the rejected rows are listed with their sheet row numbers and
 * can be downloaded for correction; the ledger filters, pages, opens a hazard's history and exports.
 * Screenshots at 1920×1080 go to docs/screenshots/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '../../shared/import';
import { makeHazard, rng } from '../helpers/hazards';
import { api, postHazards, startServer, tempDir, type ChildServer } from '../helpers/server';
import { launchChromium, watchConsole } from './wall-helpers';

const SHOTS = resolve(import.meta.dirname, '../../docs/screenshots');
const out = tempDir('hz-import-e2e-');
let server: ChildServer;
let browser: Browser;
let page: Page;
let console_: ReturnType<typeof watchConsole>;

/** Sheet row (header = 1) → the column it breaks. */
const BAD: Record<number, string> = { 4: '行业领域', 57: '发现时间', 181: '所属地区' };

async function ledger(rows: number): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('隐患台账');
  ws.addRow(COLUMNS.map((c) => c.header));
  for (let i = 1; i <= rows; i++) {
    const row = i + 1;
    ws.addRow([
      `E2E-${i}`, BAD[row] === '所属地区' ? '火星市' : '吕梁市离石区', BAD[row] === '行业领域' ? '矿山' : '煤矿', i % 4 ? '一般隐患' : '重大隐患',
      `浏览器导入测试 ${i}`, '', '永聚煤业有限公司', '', '企业自查', BAD[row] === '发现时间' ? '2024年13月1日' : new Date(Date.UTC(2024, 10, 18, 9, 30)),
      i % 4 ? '' : '2024-12-18', '',
    ]);
  }
  const file = join(out, '吕梁市隐患台账.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  const r = rng(55);
  const hazards = Array.from({ length: 130 }, (_, i) => makeHazard(r, i, { title: `台账页面测试隐患 ${i}` }));
  expect((await postHazards(server.url, server.tokens.admin, hazards)).body.accepted).toBe(130);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1, acceptDownloads: true });
  console_ = watchConsole(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('/import', () => {
  it('uploads a workbook and lists the rejected rows by their sheet row numbers and columns', async () => {
    await page.goto(`${server.url}/import?token=${server.tokens.reporter}`);
    await page.waitForSelector('[data-testid="import-file"]');
    expect(page.url()).not.toContain('token=');
    await page.setInputFiles('[data-testid="import-file"]', await ledger(200));
    await page.click('[data-testid="import-submit"]');
    await page.waitForSelector('[data-testid="import-summary"]', { timeout: 60_000 });
    expect(await page.getAttribute('[data-testid="import-progress"]', 'data-state')).toBe('done');
    const value = (id: string) => page.getAttribute(`[data-testid="import-${id}"]`, 'data-value').then(Number);
    expect([await value('rows'), await value('accepted'), await value('duplicates'), await value('rejected')]).toEqual([200, 197, 0, 3]);
    const rows = await page.$$eval('[data-testid="import-rejected"] tbody tr', (trs) => trs.map((tr) => [Number(tr.getAttribute('data-row')), tr.getAttribute('data-column')]));
    expect(rows).toEqual(Object.entries(BAD).map(([row, col]) => [Number(row), col]));
    const text = await page.textContent('[data-testid="import-rejected"] tbody');
    expect(text).toContain('E2E-3');
    expect(text).toContain('无法识别的地区“火星市”');
    expect((await api(server.url, server.tokens.admin, 'GET', '/api/v1/hazards/E2E-1')).body).toMatchObject({ regionCode: '141102', discoveredAt: '2024-11-18T09:30:00+08:00' });
    await page.screenshot({ path: join(SHOTS, 'import-1920x1080.png') });
  });

  it('downloads the rejected rows as a CSV in the template layout, which imports back naming the same rows', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="import-download-rejected"]')]);
    expect(download.suggestedFilename()).toBe('未导入的行_吕梁市隐患台账.csv');
    const file = join(out, 'rejected.csv');
    await download.saveAs(file);
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe([...COLUMNS.map((c) => c.header), '原行号', '错误列', '错误原因'].join(','));
    expect(lines.slice(1, 4).map((l) => l.split(',')[0])).toEqual(['E2E-3', 'E2E-56', 'E2E-180']);
    // the page again, with the downloaded file: the same three rows, now rows 2–4 of the new file
    await page.setInputFiles('[data-testid="import-file"]', file);
    await page.click('[data-testid="import-submit"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="import-rows"]')?.getAttribute('data-value') === '3');
    const rows = await page.$$eval('[data-testid="import-rejected"] tbody tr', (trs) => trs.map((tr) => [Number(tr.getAttribute('data-row')), tr.getAttribute('data-column')]));
    expect(rows).toEqual([[2, '行业领域'], [3, '发现时间'], [4, '所属地区']]);
    expect(await page.textContent('[data-testid="import-ignored"]')).toContain('错误原因');
  });

  it('tells a read-only token that it cannot import', async () => {
    const viewer = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await viewer.goto(`${server.url}/import?token=${server.tokens.viewer}`);
    await viewer.waitForSelector('[data-testid="import-readonly"]');
    expect(await viewer.$('[data-testid="import-file"]')).toBeNull();
    await viewer.close();
  });
});

describe('/hazards', () => {
  const apiList = async (query: string) => (await api(server.url, server.tokens.admin, 'GET', `/api/v1/hazards?${query}`)).body;
  const shownIds = () => page.$$eval('[data-testid="hazard-table"] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-hazard-id')));

  it('lists the newest first, filters, and pages with the cursor', async () => {
    // the page holds the reporter's session from /import: a ?token= never replaces a session silently (it asks,
    // docs/SECURITY.md), so the ledger is opened as the admin in a fresh browser session
    await page.context().clearCookies();
    await page.goto(`${server.url}/hazards?token=${server.tokens.admin}`);
    await page.waitForSelector('[data-testid="hazard-table"] tbody tr');
    expect(await shownIds()).toEqual((await apiList('limit=50')).items.map((h: { id: string }) => h.id));
    await page.selectOption('[data-filter="level"]', 'major');
    await page.waitForFunction(() => document.querySelector('[data-testid="hazard-table"]')?.closest('[data-loading]')?.getAttribute('data-loading') === 'false');
    const majors = await apiList('level=major&limit=50');
    expect(await shownIds()).toEqual(majors.items.map((h: { id: string }) => h.id));
    expect(page.url()).toContain('level=major');
    await page.click('[data-testid="page-next"]');
    await page.waitForSelector('[data-testid="hazard-pager"][data-page="2"]');
    await page.waitForFunction(() => document.querySelector('[data-loading]')?.getAttribute('data-loading') === 'false');
    expect(await shownIds()).toEqual((await apiList(`level=major&limit=50&cursor=${majors.nextCursor}`)).items.map((h: { id: string }) => h.id));
    await page.click('[data-testid="page-prev"]');
    await page.waitForSelector('[data-testid="hazard-pager"][data-page="1"]');
  });

  it('opens a hazard with its history as a timeline naming who did what', async () => {
    await page.selectOption('[data-filter="level"]', '');
    await page.waitForFunction(() => document.querySelector('[data-loading]')?.getAttribute('data-loading') === 'false');
    // a major hazard: only majors are listed for supervision (挂牌督办)
    const majors = new Set((await apiList('level=major&limit=50')).items.map((x: { id: string }) => x.id));
    const id = (await shownIds()).find((x) => x !== null && majors.has(x))!;
    const h = (await api(server.url, server.tokens.admin, 'GET', `/api/v1/hazards/${id}`)).body;
    await api(server.url, server.tokens.reporter, 'POST', `/api/v1/hazards/${id}/transitions`, { to: 'rectifying', note: '已下达整改指令书' });
    await api(server.url, server.tokens.admin, 'POST', `/api/v1/hazards/${id}/listing`, { by: 'province', document: '晋安委〔2024〕3号' });
    await api(server.url, server.tokens.admin, 'POST', `/api/v1/hazards/${id}/extensions`, { deadline: '2099-12-31', reason: '设备到货延迟' });
    await page.click(`[data-testid="hazard-table"] tr[data-hazard-id="${id}"]`);
    await page.waitForSelector(`[data-testid="hazard-drawer"][data-hazard-id="${id}"] [data-testid="hazard-history"] li[data-kind="extension"]`);
    const kinds = await page.$$eval('[data-testid="hazard-history"] li', (lis) => lis.map((li) => li.getAttribute('data-kind')));
    expect(kinds).toEqual(['reported', 'transition', 'listing', 'extension']);
    const actors = await page.$$eval('[data-testid="history-actor"]', (els) => els.map((e) => e.textContent));
    expect(actors).toEqual(['test-admin（管理员）', 'test-reporter（填报人员）', 'test-admin（管理员）', 'test-admin（管理员）']);
    const drawer = await page.textContent('[data-testid="hazard-drawer"]');
    expect(drawer).toContain(h.title);
    for (const text of ['挂牌督办（省级）', '文号：晋安委〔2024〕3号', '理由：设备到货延迟', '已上报 → 整改中', '2099-12-31']) expect(drawer).toContain(text);
    await page.screenshot({ path: join(SHOTS, 'hazards-1920x1080.png') });
    await page.setViewportSize({ width: 3840, height: 2160 });
    await page.screenshot({ path: join(SHOTS, 'hazards-3840x2160.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="hazard-drawer"]', { state: 'detached' });
  });

  it('exports the filtered list as CSV with the template headers', async () => {
    await page.selectOption('[data-filter="listed"]', 'true');
    await page.waitForFunction(() => document.querySelector('[data-loading]')?.getAttribute('data-loading') === 'false');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-csv"]')]);
    expect(download.suggestedFilename()).toMatch(/^隐患台账_山西省_\d{8}\.csv$/);
    const file = join(out, 'export.csv');
    await download.saveAs(file);
    const lines = readFileSync(file, 'utf8').slice(1).trim().split('\r\n');
    expect(lines[0]!.startsWith(COLUMNS.map((c) => c.header).join(','))).toBe(true);
    expect(lines.length - 1).toBe((await apiList('listed=true&limit=500')).items.length);
    expect(console_.errors).toEqual([]);
  });
});
