/**
 * A wall on a node that lags says so. Two nodes on one PostgreSQL database (and one Redis); node B reads the
 * database as a role of its own, and the test takes away that role's right to read the change table: B still
 * hears of new changes (NOTIFY) but cannot apply them — a real lagging node. Its screen must leave "live" for
 * "lagging" while node A takes reports, and come back to live (with the new numbers) once B can read again.
 * B reaches PostgreSQL through a proxy the test can cut: with its database gone (A still writing), B's screen
 * must leave "live" for "stale" and say why (数据库连接中断) — it still hears B's heartbeats, which say so — and
 * come back to live with A's numbers once the database is back.
 */
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeHazard, rng } from '../helpers/hazards';
import { pgTokens, startNode, type Node } from '../helpers/cluster';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';
import { REDIS_URL, dropPrefix, randomPrefix, redisMissing } from '../helpers/redis';
import { postHazards } from '../helpers/server';
import { cuttableProxy, type CuttableProxy } from '../helpers/tcp-proxy';
import { launchChromium, waitLive } from './wall-helpers';

const missing = (await postgresMissing()) ?? (await redisMissing());
const SHOTS = resolve(import.meta.dirname, '../../docs/screenshots');

async function sql(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

describe.skipIf(missing !== null)('a wall on a lagging node', () => {
  const prefix = randomPrefix();
  const role = `hz_lag_${prefix.slice(8, 18)}`;
  let db: TestDatabase;
  let a: Node;
  let b: Node;
  let t: Record<string, string>;
  let proxy: CuttableProxy;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    db = await freshDatabase();
    t = await pgTokens(db.url, { display: { role: 'display', name: 'wall' }, reporter: { role: 'reporter', name: 'feed' } });
    await sql(db.url, `CREATE ROLE ${role} LOGIN; GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}; GRANT ALL ON SCHEMA public TO ${role}`);
    const lagUrl = new URL(db.url);
    lagUrl.username = role;
    proxy = await cuttableProxy(Number(lagUrl.port || 5432), lagUrl.hostname);
    lagUrl.port = String(proxy.port);
    const env = { REDIS_URL, REDIS_PREFIX: prefix };
    a = await startNode({ ...env, DATABASE_URL: db.url });
    b = await startNode({ ...env, DATABASE_URL: lagUrl.toString() });
    const seed = rng(3);
    await postHazards(a.url, t.reporter!, Array.from({ length: 200 }, (_, i) => makeHazard(seed, i)));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
    await page.goto(`${b.url}/?token=${t.display}`);
    await waitLive(page);
  }, 200_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([a?.kill(), b?.kill()]);
    await proxy?.close();
    await db?.drop();
    await sql(process.env.HZ_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test', `DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await dropPrefix(prefix);
  });

  it('turns from live to lagging while its node cannot apply, and back to live with the new numbers', async () => {
    const before = Number(await page.getAttribute('[data-testid="kpi-total"]', 'data-value'));
    await sql(db.url, `REVOKE SELECT ON changes FROM ${role}`);
    const r = rng(4);
    for (let i = 0; i < 3; i++) {
      expect((await postHazards(a.url, t.reporter!, Array.from({ length: 5 }, (_, j) => makeHazard(r, 100 + i * 5 + j)))).status).toBe(200);
    }
    // two heartbeats (5 s apart) showing the node behind the head it already knew
    await page.waitForSelector('[data-testid="freshness"][data-state="lagging"]', { timeout: 30_000 });
    expect(await page.textContent('[data-testid="freshness"]')).toContain('数据滞后');
    expect(Number(await page.getAttribute('[data-testid="kpi-total"]', 'data-value'))).toBe(before);
    await page.screenshot({ path: `${SHOTS}/wall-lagging-1920x1080.png` });
    await page.setViewportSize({ width: 3840, height: 2160 });
    await page.waitForSelector('[data-testid="freshness"][data-state="lagging"]');
    await page.screenshot({ path: `${SHOTS}/wall-lagging-3840x2160.png` });
    await page.setViewportSize({ width: 1920, height: 1080 });

    await sql(db.url, `GRANT SELECT ON changes TO ${role}`);
    await page.waitForSelector('[data-testid="freshness"][data-state="live"]', { timeout: 30_000 });
    await expect.poll(async () => Number(await page.getAttribute('[data-testid="kpi-total"]', 'data-value')), { timeout: 15_000 }).toBe(before + 15);
  });

  it('turns stale and says its database is gone while its node cannot reach it, and back to live with the new numbers', async () => {
    await page.waitForSelector('[data-testid="freshness"][data-state="live"]', { timeout: 30_000 });
    const before = Number(await page.getAttribute('[data-testid="kpi-total"]', 'data-value'));
    await proxy.cut();
    expect((await postHazards(a.url, t.reporter!, Array.from({ length: 4 }, (_, j) => makeHazard(rng(8), 300 + j)))).status).toBe(200);
    // B's heartbeats go on, saying its store is unavailable: the screen is stale for that reason, not for silence
    await page.waitForSelector('[data-testid="freshness"][data-state="stale"][data-reason="store"]', { timeout: 30_000 });
    const words = await page.textContent('[data-testid="freshness"]');
    expect(words).toContain('数据未更新');
    expect(words).toContain('数据库连接中断');
    expect(Number(await page.getAttribute('[data-testid="kpi-total"]', 'data-value'))).toBe(before);
    await page.screenshot({ path: `${SHOTS}/wall-store-down-1920x1080.png` });

    await proxy.mend();
    await page.waitForSelector('[data-testid="freshness"][data-state="live"]', { timeout: 30_000 });
    await expect.poll(async () => Number(await page.getAttribute('[data-testid="kpi-total"]', 'data-value')), { timeout: 15_000 }).toBe(before + 4);
  });
});
