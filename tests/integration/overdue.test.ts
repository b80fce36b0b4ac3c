/**
 * Overdue is derived from the deadline and the day in TZ_REGION: when the day turns, hazards become
 * overdue without any event, subscribers get a delta, and an extension takes a hazard out at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVINCE_CODE } from '../../shared/regions';
import type { Summary } from '../../shared/schemas';
import { DEFAULT_TZ, addDays, dayOf } from '../../shared/time';
import { makeHazard, rng } from '../helpers/hazards';
import { Screen, sleep } from '../helpers/live';
import { api, postHazards, startApp, type InProcessServer } from '../helpers/server';

const DAY = 86_400_000;
const CITY = '141100';
const COUNTY = '141102';
const clock = { now: Date.now() };
let srv: InProcessServer;
let screen: Screen;

const get = (path: string) => api(srv.url, srv.tokens.viewer, 'GET', path);
const post = (path: string, body: unknown) => api(srv.url, srv.tokens.reporter, 'POST', path, body);
const summary = async (region: string): Promise<Summary> => (await get(`/api/v1/summary?region=${region}`)).body;
const overdue = async (region: string) => (await summary(region)).totals.overdue;

/** Waits for the screen to reach the served version of every region it follows. */
async function caughtUp(): Promise<void> {
  await screen.settle(async (region) => (await summary(region)).version);
  for (const region of screen.states.keys()) expect(screen.states.get(region)).toEqual(await summary(region));
}

beforeAll(async () => {
  srv = await startApp({ now: () => clock.now });
  screen = await Screen.connect(srv.url, srv.tokens.display);
});
afterAll(async () => {
  screen?.close();
  await srv?.close();
});

describe('the turn of the day', () => {
  it('makes hazards due yesterday overdue without any event, pushes the new counts, and an extension takes one out at once', async () => {
    const today = dayOf(clock.now, DEFAULT_TZ);
    const r = rng(17);
    const discoveredAt = new Date(clock.now - 3_600_000).toISOString();
    const h = (id: string, regionCode: string, level: 'major' | 'general', deadline: string) =>
      makeHazard(r, 0, { id, regionCode, level, deadline, discoveredAt, sector: 'coal' });
    const res = await postHazards(srv.url, srv.tokens.reporter, [
      h('DUE-A', COUNTY, 'major', today), // due today: overdue tomorrow
      h('DUE-B', CITY, 'general', today), // on the city code: the city and the province, no county
      h('DUE-C', COUNTY, 'general', addDays(today, 1)), // due tomorrow: overdue the day after
      h('DUE-D', COUNTY, 'general', today), // fixed on the spot: never overdue
    ]);
    expect(res.body).toEqual({ accepted: 4, duplicates: 0, rejected: [] });
    expect((await post('/api/v1/hazards/DUE-D/transitions', { to: 'rectified' })).status).toBe(200);
    for (const region of [PROVINCE_CODE, CITY, COUNTY]) await screen.subscribe(region);
    expect(await overdue(PROVINCE_CODE)).toBe(0);
    const before = new Map([...screen.states].map(([k, v]) => [k, v.version]));

    clock.now += DAY; // midnight has passed in Asia/Shanghai; nobody sends anything
    expect(await srv.app.service.checkDay()).toBe(true);
    expect(await overdue(PROVINCE_CODE)).toBe(2);
    expect(await overdue(CITY)).toBe(2);
    expect(await overdue(COUNTY)).toBe(1);
    expect((await summary(CITY)).byRegion[COUNTY]!.overdue).toBe(1);
    expect((await summary(PROVINCE_CODE)).today).toBe(addDays(today, 1));
    const listed = (await get('/api/v1/hazards?overdue=true')).body.items.map((x: { id: string }) => x.id).sort();
    expect(listed).toEqual(['DUE-A', 'DUE-B']);
    expect((await get('/api/v1/hazards/DUE-A')).body.overdue).toBe(true);

    await caughtUp();
    for (const region of [PROVINCE_CODE, CITY, COUNTY]) {
      const deltas = screen.deltas.get(region)!;
      expect(deltas.length, region).toBe(1); // one delta per region: the day turn
      expect(deltas[0]!.fromVersion).toBe(before.get(region));
      expect(deltas[0]!.changes.totals?.overdue).toBe(region === COUNTY ? 1 : 2);
      expect(deltas[0]!.today).toBe(addDays(today, 1));
    }

    // a later deadline takes the hazard out of overdue in the same request
    const ext = await post('/api/v1/hazards/DUE-A/extensions', { deadline: addDays(today, 10), reason: '停产整顿需要更长时间' });
    expect(ext.status).toBe(200);
    expect(ext.body.overdue).toBe(false);
    expect(await overdue(PROVINCE_CODE)).toBe(1);
    expect(await overdue(COUNTY)).toBe(0);
    // so does rectification, recorded by the same clock that turned the day
    const fixed = await post('/api/v1/hazards/DUE-B/transitions', { to: 'rectified' });
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    expect(await overdue(PROVINCE_CODE)).toBe(0);
    await caughtUp();
    expect(screen.states.get(PROVINCE_CODE)!.totals.overdue).toBe(0);
    expect(screen.problems).toEqual([]);

    clock.now += DAY;
    await srv.app.service.checkDay();
    expect(await overdue(PROVINCE_CODE)).toBe(1); // DUE-C
    await caughtUp();
    expect(screen.states.get(COUNTY)!.totals.overdue).toBe(1);
    await sleep(300);
    expect(screen.problems).toEqual([]);
  });
});
