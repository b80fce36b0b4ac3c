/**
 * The briefing page's "专项整治以来" preset starts on the deployment's CAMPAIGN_START (from /api/v1/session), not on
 * a date compiled into the client; an address that names another start keeps it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type ChildServer } from '../helpers/server';
import { launchChromium, watchConsole } from './wall-helpers';

let server: ChildServer;
let browser: Browser;
const logs: Array<ReturnType<typeof watchConsole>> = [];

async function open(query: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  logs.push(watchConsole(page));
  await page.goto(`${server.url}/briefing?token=${server.tokens.viewer}&${query}`);
  await page.waitForSelector('[data-testid="briefing-text"]', { timeout: 60_000 });
  return page;
}
const asked = (page: Page) => new URL(page.url()).searchParams;

beforeAll(async () => {
  server = await startServer({ env: { CAMPAIGN_START: '2024-06-01' } });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the campaign preset', () => {
  it('runs from CAMPAIGN_START, and the text opens with it', async () => {
    const page = await open('preset=campaign');
    expect(asked(page).get('from')).toBe('2024-06-01');
    expect(asked(page).get('campaign')).toBe('2024-06-01');
    expect(await page.locator('[data-testid="briefing-text"]').textContent()).toMatch(/^专项整治以来（2024年6月1日起），山西省累计排查隐患0项/);
  });

  it('an address with its own start keeps it for the period', async () => {
    const page = await open('preset=campaign&campaign=2024-09-01');
    expect(asked(page).get('from')).toBe('2024-09-01');
  });

  it('logged no errors', () => {
    for (const l of logs) expect(l.errors).toEqual([]);
  });
});
