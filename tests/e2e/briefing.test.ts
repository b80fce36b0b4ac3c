/**
 * /briefing in real Chromium against the built client and the real server: the written summary is the
 * API's, the period picker changes it, and both exports download valid files made in the browser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Download, Page } from 'playwright-core';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import type { Briefing } from '../../shared/briefing';
import { presetPeriod } from '../../shared/briefing-period';
import { dayOf } from '../../shared/time';
import { makeHazard, rng } from '../helpers/hazards';
import { api, postHazards, startServer, tempDir, type ChildServer } from '../helpers/server';
import { launchChromium, watchConsole } from './wall-helpers';

let server: ChildServer;
let browser: Browser;
let page: Page;
let console_: ReturnType<typeof watchConsole>;
const TODAY = dayOf(Date.now(), 'Asia/Shanghai');
const out = tempDir('hz-briefing-e2e-');

async function apiBriefing(from: string, to: string): Promise<Briefing> {
  const r = await api(server.url, server.tokens.viewer, 'GET', `/api/v1/briefing?region=140000&from=${from}&to=${to}`);
  expect(r.status).toBe(200);
  return r.body as Briefing;
}

async function saved(d: Download, name: string): Promise<Buffer> {
  const file = join(out, name);
  await d.saveAs(file);
  return readFileSync(file);
}

beforeAll(async () => {
  server = await startServer();
  const r = rng(66);
  const hazards = Array.from({ length: 300 }, (_, i) => makeHazard(r, i));
  expect((await postHazards(server.url, server.tokens.admin, hazards)).body.accepted).toBe(300);
  for (const h of hazards.slice(0, 60)) {
    await api(server.url, server.tokens.admin, 'POST', `/api/v1/hazards/${h.id}/transitions`, { to: 'rectifying' });
  }
  browser = await launchChromium();
  const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
  page = await ctx.newPage();
  console_ = watchConsole(page);
  await page.goto(`${server.url}/briefing?token=${server.tokens.viewer}`);
  await page.waitForSelector('[data-testid="briefing-text"]', { timeout: 60_000 });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('/briefing', () => {
  it('shows the written summary of this week, as the API writes it, and drops the token from the address', async () => {
    const week = presetPeriod('week', TODAY);
    const doc = page.locator('[data-testid="briefing"]');
    expect(await doc.getAttribute('data-from')).toBe(week.from);
    expect(await doc.getAttribute('data-to')).toBe(week.to);
    const text = (await page.locator('[data-testid="briefing-text"]').textContent())!.trim();
    expect(text).toBe((await apiBriefing(week.from, week.to)).text);
    expect(text).toMatch(/^专项整治以来（\d{4}年\d{1,2}月\d{1,2}日起），山西省累计排查隐患\d+项/);
    expect(page.url()).not.toContain('token=');
    expect(page.url()).toContain(`from=${week.from}`);
    const shown = Number(await page.locator('[data-testid="briefing-kpi-new"]').getAttribute('data-value'));
    expect(shown).toBe((await apiBriefing(week.from, week.to)).current.new);
  });

  it('the period picker changes the briefing (campaign to date)', async () => {
    await page.click('[data-preset="campaign"]');
    await page.waitForSelector('[data-testid="briefing"][data-from="2023-11-20"]');
    const text = (await page.locator('[data-testid="briefing-text"]').textContent())!.trim();
    expect(text).toBe((await apiBriefing('2023-11-20', TODAY)).text);
    expect(Number(await page.locator('[data-testid="briefing-kpi-new"]').getAttribute('data-value'))).toBe(300);
  });

  it('exports the whole briefing as a PNG at 2×', async () => {
    const width = await page.locator('[data-testid="briefing"]').evaluate((el) => Math.ceil(el.getBoundingClientRect().width));
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('[data-testid="export-png"]')]);
    expect(download.suggestedFilename()).toMatch(/^briefing-140000-.*\.png$/);
    const png = await saved(download, 'briefing.png');
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // IHDR: width and height, big-endian, at bytes 16..24
    expect(png.readUInt32BE(16)).toBe(width * 2);
    expect(png.readUInt32BE(20)).toBeGreaterThan(1500);
    expect(png.length).toBeGreaterThan(150_000);
  });

  it('exports an A4-landscape PDF with the Chinese font embedded and the charts as vectors', async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('[data-testid="export-pdf"]')]);
    expect(download.suggestedFilename()).toMatch(/^briefing-140000-.*\.pdf$/);
    const pdf = await saved(download, 'briefing.pdf');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(60_000);
    expect(pdf.length).toBeLessThan(15_000_000);
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(3);
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([842, 595]);
    // subsets of Noto Sans SC, each with a ToUnicode map so the text can be searched and copied; charts as images
    const dicts = doc.context.enumerateIndirectObjects().map(([, o]) => o).filter((o): o is PDFDict => o instanceof PDFDict);
    const has = (d: PDFDict, key: string) => d.has(PDFName.of(key));
    const descriptors = dicts.filter((d) => has(d, 'FontFile2'));
    expect(descriptors.length).toBeGreaterThan(3);
    expect(descriptors.every((d) => String(d.get(PDFName.of('FontName'))).includes('NotoSansSC'))).toBe(true);
    expect(dicts.filter((d) => has(d, 'ToUnicode')).length).toBe(descriptors.length);
    // the charts page (after the summary, which may run onto a second page; before the tables): vectors — filled bars
    // and text labels, no bitmap
    const contents = doc.getPage(doc.getPageCount() - 2).node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
    const ops = streams.map((st) => Buffer.from(decodePDFRawStream(st as PDFRawStream).decode()).toString('latin1')).join('\n');
    expect(ops.match(/\bf\n/g)?.length ?? 0).toBeGreaterThan(20);
    expect(ops.match(/\bTj\n/g)?.length ?? 0).toBeGreaterThan(40);
    expect(doc.context.enumerateIndirectObjects().some(([, o]) => o instanceof PDFRawStream && String(o.dict.get(PDFName.of('Subtype'))) === '/Image')).toBe(false);
  });

  it('logged no errors', () => {
    expect(console_.errors).toEqual([]);
  });
});
