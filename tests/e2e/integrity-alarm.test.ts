/**
 * 校验异常 beyond the wall (issue 10): a store edited while the server was down makes it start flagged; the
 * briefing page and the presentation screen then show the integrity alarm naming the record, in real Chromium.
 * Before the edit neither shows it, so the test fails when the pages do not read the verdict. Once the store is mended
 * and the presentation's socket reconnects to a verified node, the alarm goes at once.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHazard, rng } from '../helpers/hazards';
import { api, postHazards, startServer, type ChildServer } from '../helpers/server';
import { launchChromium } from './wall-helpers';

let server: ChildServer;
let browser: Browser;
const ALARM = '[data-testid="integrity-alarm"]';

beforeAll(async () => {
  server = await startServer({ env: { INTEGRITY_CHECK_MINUTES: '0' } });
  const r = rng(31);
  const hazards = Array.from({ length: 30 }, (_, i) => makeHazard(r, i, { id: `IA-${i}`, ...(i === 0 ? { level: 'major', deadline: '2099-01-01' } : {}) }));
  expect((await postHazards(server.url, server.tokens.admin, hazards)).body.accepted).toBe(30);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens a page and waits until it shows `ready` and has read the server's verdict (its /healthz answer). */
async function open(path: string, ready: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  const asked = page.waitForResponse((r) => new URL(r.url()).pathname === '/healthz', { timeout: 60_000 });
  await page.goto(`${server.url}${path}`);
  await page.waitForSelector(ready, { timeout: 60_000 });
  await asked;
  return page;
}
const briefing = () => open(`/briefing?token=${server.tokens.viewer}`, '[data-testid="briefing-text"]');
const present = () => open(`/present?token=${server.tokens.display}&room=integrity`, 'main.present[data-status]');

describe('the integrity alarm on the briefing and presentation screens', () => {
  it('is absent while the store verifies', async () => {
    for (const page of [await briefing(), await present()]) {
      expect(await page.locator(ALARM).count()).toBe(0);
      await page.context().close();
    }
  }, 120_000);

  it('shows 校验异常 naming the record once the server starts on an edited store', async () => {
    await server.stop();
    const db = new Database(join(server.dataDir, 'hazards.sqlite'));
    db.prepare("UPDATE hazards SET level = 'general' WHERE id = 'IA-0'").run();
    db.close();
    await server.restart();
    expect((await api(server.url, undefined, 'GET', '/healthz')).body.integrity).toMatchObject({ status: 'failed', record: 'hazard IA-0' });
    for (const page of [await briefing(), await present()]) {
      const alarm = page.locator(ALARM);
      await alarm.waitFor({ timeout: 30_000 });
      expect(await alarm.getAttribute('data-record')).toBe('hazard IA-0');
      expect(await alarm.textContent()).toContain('校验异常');
      expect(await alarm.textContent()).toContain('hazard IA-0');
      await page.context().close();
    }
  }, 180_000);

  it('on /present, drops the verdict when its socket reconnects to a node that is verified, without waiting for the next poll', async () => {
    const page = await present();
    await page.locator(ALARM).waitFor({ timeout: 30_000 });
    // the node goes, the store is mended, a node verified on it answers at the same address (a balancer's other node)
    await server.stop();
    const db = new Database(join(server.dataDir, 'hazards.sqlite'));
    db.prepare("UPDATE hazards SET level = 'major' WHERE id = 'IA-0'").run();
    db.close();
    await server.restart();
    expect((await api(server.url, undefined, 'GET', '/healthz')).body.integrity).toMatchObject({ status: 'ok' });
    // a verified node says nothing on its socket: before, the old verdict stayed until the minute's /healthz poll
    await page.locator(ALARM).waitFor({ state: 'detached', timeout: 30_000 });
    expect(await page.locator('[data-testid="integrity-checking"]').count()).toBe(0);
    await page.context().close();
  }, 180_000);
});
