/**
 * /present in real Chromium: a presenter page driven by the keys a clicker sends, follower pages (each its own
 * browser context, so its own session cookie) that must show the same slide within a second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { slidesFor } from '../../shared/present';
import { makeHazard, rng } from '../helpers/hazards';
import { postHazards, startServer, type ChildServer } from '../helpers/server';
import { launchChromium, watchConsole } from './wall-helpers';

let server: ChildServer;
let browser: Browser;
let presenter: Page;
let follower: Page;
const logs: Array<ReturnType<typeof watchConsole>> = [];
const SIZE = { width: 1280, height: 720 };

async function open(token: string, query: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: SIZE });
  const page = await ctx.newPage();
  logs.push(watchConsole(page));
  await page.goto(`${server.url}/present?token=${token}&${query}`);
  try {
    await page.waitForSelector('[data-testid="slide"]', { timeout: 30_000 });
  } catch (e) {
    throw new Error(`no slide on ${page.url()}: «${await page.locator('body').textContent()}» ${String(e)}`);
  }
  return page;
}

const slideOf = async (p: Page) => {
  const el = p.locator('[data-testid="slide"]');
  return { index: Number(await el.getAttribute('data-index')), blank: (await el.getAttribute('data-blank')) === 'true' };
};

/** Presses a key on the presenter and measures how long the follower takes to show `index`. */
async function pressAndFollow(key: string, index: number, blank = false): Promise<number> {
  const t0 = Date.now();
  await presenter.keyboard.press(key);
  await follower.waitForSelector(`[data-testid="slide"][data-index="${index}"][data-blank="${blank}"]`, { timeout: 1000 });
  return Date.now() - t0;
}

beforeAll(async () => {
  server = await startServer();
  const r = rng(9);
  await postHazards(server.url, server.tokens.admin, Array.from({ length: 120 }, (_, i) => makeHazard(r, i)));
  browser = await launchChromium();
  presenter = await open(server.tokens.admin, 'room=video&role=presenter');
  follower = await open(server.tokens.display, 'room=video');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('/present', () => {
  it('opens on the first slide, on both screens, with the province sequence', async () => {
    expect(await slideOf(presenter)).toEqual({ index: 0, blank: false });
    expect(await slideOf(follower)).toEqual({ index: 0, blank: false });
    expect(await presenter.locator('[data-testid="slide"]').getAttribute('data-kind')).toBe('overview');
    expect(await follower.locator('main').getAttribute('data-role')).toBe('follower');
    expect(await presenter.locator('main').getAttribute('data-role')).toBe('presenter');
  });

  it('the presenter keys move the follower within a second', async () => {
    const times = [
      await pressAndFollow('ArrowRight', 1),
      await pressAndFollow('PageDown', 2),
      await pressAndFollow('Space', 3),
      await pressAndFollow('ArrowLeft', 2),
      await pressAndFollow('PageUp', 1),
      await pressAndFollow('b', 1, true),
      await pressAndFollow('b', 1, false),
    ];
    for (const ms of times) expect(ms).toBeLessThan(1000);
    expect(await follower.locator('[data-testid="slide"]').getAttribute('data-kind')).toBe('major');
  });

  it('a city slide follows the overview, major and overdue slides', async () => {
    await pressAndFollow('ArrowRight', 2);
    await pressAndFollow('ArrowRight', 3);
    expect(await follower.locator('[data-testid="slide"]').getAttribute('data-kind')).toBe('region');
    expect(await follower.locator('[data-testid="slide"] h1').textContent()).toBe('太原市');
  });

  it('follower keys do not move the room', async () => {
    await follower.keyboard.press('ArrowRight');
    await follower.waitForTimeout(400);
    expect((await slideOf(follower)).index).toBe(3);
    expect((await slideOf(presenter)).index).toBe(3);
  });

  it('a late joiner lands on the current slide; End goes to the last one', async () => {
    const late = await open(server.tokens.viewer, 'room=video');
    expect((await slideOf(late)).index).toBe(3);
    await presenter.keyboard.press('End');
    const last = slidesFor('140000').length - 1;
    await late.waitForSelector(`[data-testid="slide"][data-index="${last}"]`, { timeout: 1000 });
    expect(await late.locator('[data-testid="slide"]').getAttribute('data-kind')).toBe('flags');
  });

  it('a second presenter takes over; the first one is told and stops driving', async () => {
    const second = await open(server.tokens.admin, 'room=video&role=presenter');
    await presenter.waitForSelector('[data-testid="superseded"]', { timeout: 2000 });
    expect(await presenter.locator('main').getAttribute('data-role')).toBe('follower');
    const before = (await slideOf(follower)).index;
    await presenter.keyboard.press('Home');
    await follower.waitForTimeout(400);
    expect((await slideOf(follower)).index).toBe(before);
    await second.keyboard.press('Home');
    await follower.waitForSelector('[data-testid="slide"][data-index="0"]', { timeout: 1000 });
  });

  it('logged no errors', () => {
    for (const l of logs) expect(l.errors).toEqual([]);
  });

  // After the error check: the failed reads log as errors.
  it('a slide says how old its numbers are, and says it plainly when a read fails', async () => {
    const hm = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const times = (from: number, to: number) => {
      const out = new Set<string>();
      for (let t = from - 60_000; t <= to + 60_000; t += 30_000) out.add(hm.format(t));
      return out;
    };
    const t0 = Date.now();
    const lead = await open(server.tokens.admin, 'room=video&role=presenter');
    const ctx = await browser.newContext({ viewport: SIZE });
    const watcher = await ctx.newPage();
    // this screen cannot read any city's summary: the room's own (the province) still reads
    await watcher.route(/\/api\/v1\/summary\?region=14(?!0000)\d{4}/, (r) => r.abort());
    await watcher.goto(`${server.url}/present?token=${server.tokens.viewer}&room=video`);
    await watcher.waitForSelector('[data-testid="slide"]');
    await lead.keyboard.press('Home');
    await watcher.waitForSelector('[data-testid="slide"][data-index="0"]');
    const age = watcher.locator('[data-testid="present-age"]');
    await watcher.waitForSelector('[data-testid="present-age"][data-state="ok"]');
    const ok = /^数据 (\d\d:\d\d) 读取$/.exec((await age.textContent())!.trim());
    expect(ok, 'the age of a good read').not.toBeNull();
    expect(times(t0, Date.now())).toContain(ok![1]);
    for (let i = 1; i <= 3; i += 1) {
      await lead.keyboard.press('ArrowRight');
      await watcher.waitForSelector(`[data-testid="slide"][data-index="${i}"]`);
    }
    await watcher.waitForSelector('[data-testid="slide"][data-index="3"][data-kind="region"]');
    await watcher.waitForSelector('[data-testid="present-age"][data-state="failing"]', { timeout: 25_000 });
    const failing = /^刷新失败，数据停在 (\d\d:\d\d)$/.exec((await age.textContent())!.trim());
    expect(failing, 'the age once a read failed').not.toBeNull();
    expect(failing![1]).toBe(ok![1]);
    expect(await watcher.locator('[data-testid="slide"] [role="alert"]').textContent()).toContain('数据读取失败');
    // the presenter's own screen read it: nothing failing there
    expect(await lead.locator('[data-testid="present-age"]').getAttribute('data-state')).toBe('ok');
    await watcher.unroute(/\/api\/v1\/summary\?region=14(?!0000)\d{4}/);
    await lead.keyboard.press('ArrowRight');
    await watcher.waitForSelector('[data-testid="slide"][data-index="4"]');
    await watcher.waitForSelector('[data-testid="present-age"][data-state="ok"]', { timeout: 25_000 });
    await ctx.close();
  });

  // After the error check: a killed server makes the pages log their failed reconnects.
  it('a screen whose connection is down says so: the presenter that its keys do nothing, a follower that it no longer follows; after the reconnect they drive and follow again', async () => {
    const third = await open(server.tokens.admin, 'room=video&role=presenter');
    expect(await third.locator('[data-testid="present-disconnected"]').count()).toBe(0);
    const before = await slideOf(third);
    await server.kill();
    await third.waitForSelector('[data-testid="present-disconnected"]', { timeout: 15_000 });
    // a follower says it no longer follows
    await follower.waitForSelector('[data-testid="present-disconnected"]', { timeout: 15_000 });
    expect(await follower.locator('[data-testid="present-disconnected"]').textContent()).toContain('不再跟随');
    await third.keyboard.press('ArrowRight');
    await third.waitForTimeout(300);
    expect(await slideOf(third)).toEqual(before);
    await server.restart();
    await third.waitForSelector('[data-testid="present-disconnected"]', { state: 'detached', timeout: 30_000 });
    await follower.waitForSelector('[data-testid="present-disconnected"]', { state: 'detached', timeout: 30_000 });
    const now = await slideOf(third);
    await third.keyboard.press('ArrowRight');
    await follower.waitForSelector(`[data-testid="slide"][data-index="${now.index + 1}"]`, { timeout: 5000 });
  });
});
