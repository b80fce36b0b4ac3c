/**
 * REST answers are parsed with the shared schemas (client/lib/api.ts), not cast: in real Chromium against the
 * real server, an answer rewritten on its way to the page as a server of another version might send it
 * (a field missing, a value of another kind) is an error the screen says, naming the field — never a
 * screen that renders half and fails later somewhere else.
 */
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ChildServer } from '../helpers/server';
import { launchChromium, seed, waitLive } from './wall-helpers';

let server: ChildServer;
let browser: Browser;

/** Passes the real server's answer through `change` on its way to the page. */
const rewrite = (change: (body: any) => void) => async (route: Route) => {
  const res = await route.fetch();
  const body = await res.json();
  change(body);
  await route.fulfill({ response: res, json: body });
};

async function page(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  return ctx.newPage();
}

beforeAll(async () => {
  server = await startServer();
  await seed(server, 40);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('an answer of another shape', () => {
  it('the wall: a session without its time zone is said on screen, and the wall runs once it is whole again', async () => {
    const p = await page();
    let broken = true;
    await p.route('**/api/v1/session', async (route) => {
      if (broken) await rewrite((b) => delete b.tz)(route);
      else await route.continue();
    });
    await p.goto(`${server.url}/?token=${server.tokens.display}`);
    const msg = await p.waitForSelector('text=服务器应答格式不符');
    expect(await msg.textContent()).toContain('tz');
    broken = false; // the wall retries on its own (no one stands at a wall to press F5)
    await waitLive(p, 90_000);
    await p.close();
  });

  it('the ledger: a hazard with a status the schema does not know is an error naming the field, not a row', async () => {
    const p = await page();
    await p.route('**/api/v1/hazards?*', rewrite((b) => { b.items[0].status = 'lost'; }));
    await p.goto(`${server.url}/hazards?token=${server.tokens.admin}`);
    const msg = await p.waitForSelector('[role="alert"]:has-text("加载失败")');
    expect(await msg.textContent()).toContain('items.0.status');
    expect(await p.$$('[data-testid="hazard-table"] tbody tr')).toEqual([]);
    await p.unrouteAll();
    await p.close();
  });

  it('the same pages without the rewrite show the data (the check above is not the parser refusing everything)', async () => {
    const p = await page();
    await p.goto(`${server.url}/hazards?token=${server.tokens.admin}`);
    await p.waitForSelector('[data-testid="hazard-table"] tbody tr');
    expect(await p.$('[role="alert"]')).toBeNull();
    await p.close();
  });
});
