/**
 * /metrics as Prometheus reads it: the scrape passes `promtool check metrics` (Debian's `prometheus`
 * package; required under HZ_REQUIRE_ALL=1), and the metrics an operator alerts on move with the
 * things they count — sockets, deltas, change-feed lag.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHazard, rng } from '../helpers/hazards';
import { Screen, sleep } from '../helpers/live';
import { postHazards, startApp, type InProcessServer } from '../helpers/server';

const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';
const havePromtool = existsSync(PROMTOOL);
if (!havePromtool && process.env.HZ_REQUIRE_ALL === '1') throw new Error(`promtool is required (HZ_REQUIRE_ALL=1): none at ${PROMTOOL} — apt-get install prometheus`);

let s: InProcessServer;
let screen: Screen;
beforeAll(async () => {
  s = await startApp();
});
afterAll(async () => {
  screen?.close();
  await s?.close();
});

const scrape = async () => (await fetch(`${s.url}/metrics`)).text();
const valueOf = (text: string, name: string): number => {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  if (!m) throw new Error(`${name} is not in the scrape`);
  return Number(m[1]);
};

describe('/metrics', () => {
  it('counts sockets and deltas, and shows no lag on a caught-up node', async () => {
    screen = await Screen.connect(s.url, s.tokens.display);
    await screen.subscribe('140000');
    const before = valueOf(await scrape(), 'hz_deltas_sent_total');
    const r = rng(5);
    await postHazards(s.url, s.tokens.reporter, Array.from({ length: 3 }, (_, i) => makeHazard(r, i)));
    for (let i = 0; screen.deltas.get('140000')!.length === 0 && i < 100; i++) await sleep(50);
    const text = await scrape();
    expect(valueOf(text, 'hz_sockets_connected')).toBe(1);
    expect(valueOf(text, 'hz_deltas_sent_total')).toBeGreaterThan(before);
    expect(valueOf(text, 'hz_change_feed_lag_seconds')).toBe(0);
    expect(valueOf(text, 'hz_change_feed_lag_changes')).toBe(0);
    expect(valueOf(text, 'hz_store_reachable')).toBe(1);
    expect(valueOf(text, 'hz_changes_applied')).toBe(s.app.feed.status().seq);
    expect(valueOf(text, 'hz_imports_running')).toBe(0);
    // a clean store passed the start-up check: the gauge is the verdict, and its time is set
    expect(valueOf(text, 'hz_integrity_ok')).toBe(1);
    expect(valueOf(text, 'hz_integrity_last_check_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 3600);
    // the SQLite store's WAL: written to (its size on disk, as stat sees it), and no checkpoint failed
    const wal = statSync(join(s.dataDir, 'hazards.sqlite-wal')).size;
    expect(wal).toBeGreaterThan(0);
    expect(valueOf(text, 'hz_sqlite_wal_bytes')).toBeGreaterThan(0);
    expect(valueOf(text, 'hz_sqlite_checkpoint_failures_total')).toBe(0);
    expect(valueOf(text, 'hz_sqlite_wal_uncheckpointed_pages')).toBeGreaterThanOrEqual(0);
  });

  it.skipIf(!havePromtool)('passes promtool check metrics with no findings', async () => {
    const text = await scrape();
    const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`.trim(), 'promtool findings').toBe('');
    expect(r.status).toBe(0);
  });
});
