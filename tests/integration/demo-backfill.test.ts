/**
 * The demo through its real back-fill (server/demo/simulator.ts): reports, lifecycle moves and listings sent over
 * HTTP to the real server, then read back through the API as a wall would. After it, no title the major-hazard
 * standards (判定标准) call major is on a general hazard, and the sector mix of each city follows its economy
 * (shared/regions/economy.ts): coal in coal cities and only in counties with mines, 城镇燃气 by urban population,
 * a metro only in 太原.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hazard, Summary } from '../../shared/schemas';
import { ALL_REGIONS, getRegion } from '../../shared/regions';
import { CITY_COAL, CITY_URBAN_POPULATION, URBAN_CORES, coalWeight } from '../../shared/regions/economy';
import { TITLES } from '../../server/demo/catalogue';
import { Simulator } from '../../server/demo/simulator';
import { rng } from '../helpers/hazards';
import { api, startApp, type InProcessServer } from '../helpers/server';

const DAYS = 14;
const MAJOR_TITLES = new Set(Object.values(TITLES).flatMap((t) => t.major));
const CITIES = ALL_REGIONS.filter((r) => r.level === 'city').map((r) => r.code);

let server: InProcessServer;
let sent = 0;
const hazards: Hazard[] = [];
let province: Summary;
const cities = new Map<string, Summary>();

const get = async <T>(path: string): Promise<T> => {
  const res = await api(server.url, server.tokens.admin, 'GET', path);
  expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 200)}`).toBe(200);
  return res.body as T;
};

beforeAll(async () => {
  server = await startApp({ demo: true });
  const r = rng(2023_11_20);
  sent = await new Simulator(server.url, server.tokens.reporter, () => r.next()).backfill(DAYS);
  // everything the back-fill left, as the API lists it (rejected reports included)
  for (let cursor: string | null = null, first = true; first || cursor; first = false) {
    const page: { items: Hazard[]; nextCursor: string | null } = await get(`/api/v1/hazards?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    hazards.push(...page.items);
    cursor = page.nextCursor;
  }
  province = await get<Summary>('/api/v1/summary');
  for (const c of CITIES) cities.set(c, await get<Summary>(`/api/v1/summary?region=${c}`));
}, 600_000);

afterAll(async () => {
  await server?.close();
});

const total = (s: Summary, key: string, sector: string): number => s.matrix[key]?.[sector]?.total ?? 0;
const cityTotal = (c: string): number => province.byRegion[c]!.total;

describe('the demo after its back-fill', () => {
  it('stored every report it sent, and moved many through the lifecycle', () => {
    expect(hazards.length).toBe(sent);
    expect(sent).toBeGreaterThan(DAYS * 80);
    const status = (s: string) => hazards.filter((h) => h.status === s).length;
    expect(status('closed')).toBeGreaterThan(sent * 0.3);
    expect(status('rejected')).toBeGreaterThan(0);
    expect(hazards.filter((h) => h.listedBy).length).toBeGreaterThan(0);
    expect(hazards.filter((h) => h.listedBy).every((h) => h.level === 'major')).toBe(true);
  });

  it('no title the standards call major is on a general hazard', () => {
    const general = hazards.filter((h) => h.level === 'general');
    expect(general.length).toBeGreaterThan(sent * 0.7);
    for (const h of general) expect(MAJOR_TITLES.has(h.title), `${h.id} 一般: ${h.title}`).toBe(false);
    // the back-fill escalates nothing: every major carries a title of the standards
    const major = hazards.filter((h) => h.level === 'major');
    expect(major.length).toBeGreaterThan(sent * 0.08);
    for (const h of major) expect(MAJOR_TITLES.has(h.title), `${h.id} 重大: ${h.title}`).toBe(true);
  });

  it('coal comes from coal cities: the coal share of every heavy coal city is far above 运城\'s and 太原\'s', () => {
    const coalShare = (c: string) => total(province, c, 'coal') / cityTotal(c);
    const heavy = CITIES.filter((c) => CITY_COAL[c] === 'heavy' || CITY_COAL[c] === 'heaviest');
    expect(heavy.length).toBe(9);
    expect(coalShare('140800')).toBeLessThan(0.04); // 运城: light
    for (const c of heavy) expect(coalShare(c), c).toBeGreaterThan(Math.max(coalShare('140800'), coalShare('140100')) * 1.5);
    expect(coalShare('140600')).toBeGreaterThan(0.15); // 朔州 mines most
  });

  it('no coal in a county without mines: never in 迎泽区, 杏花岭区, 阳泉城区 or another urban core, nor on a city code or zone', () => {
    let coal = 0;
    for (const [city, s] of cities) {
      for (const [code, row] of Object.entries(s.matrix)) {
        const n = row.coal?.total ?? 0;
        coal += n;
        if (n === 0) continue;
        expect(getRegion(code)?.level, `${city} ${code}`).toBe('county');
        expect(coalWeight(code), `${code} has no mine but ${n} coal hazards`).toBeGreaterThan(0);
        expect(URBAN_CORES.has(code), code).toBe(false);
      }
      // what no county row holds (the city code and its zones) has no coal either
      const inCounties = Object.entries(s.matrix).filter(([k]) => getRegion(k)?.level === 'county').reduce((a, [, row]) => a + (row.coal?.total ?? 0), 0);
      expect(s.bySector.coal?.total ?? 0, city).toBe(inCounties);
    }
    expect(coal).toBe(province.bySector.coal!.total);
    expect(coal).toBeGreaterThan(DAYS * 5);
    for (const core of ['140106', '140107', '140302']) expect(hazards.some((h) => h.regionCode === core && h.sector === 'coal'), core).toBe(false);
  });

  it('城镇燃气 follows urban population: 太原 most, and the cities rank by it', () => {
    const gas = Object.fromEntries(CITIES.map((c) => [c, total(province, c, 'gas')]));
    expect(Math.max(...Object.values(gas))).toBe(gas['140100']);
    // Spearman's rank correlation of gas hazards with 城镇人口 over the 11 cities
    const rank = (xs: number[]) => xs.map((x) => xs.filter((y) => y < x).length + (xs.filter((y) => y === x).length - 1) / 2);
    const a = rank(CITIES.map((c) => gas[c]!));
    const b = rank(CITIES.map((c) => CITY_URBAN_POPULATION[c]!));
    const n = CITIES.length;
    const rho = 1 - (6 * a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0)) / (n * (n * n - 1));
    expect(rho).toBeGreaterThan(0.6);
    // and not with coal: 朔州 mines most but has the fewest townspeople with 阳泉
    expect(gas['140600']!).toBeLessThan(gas['140100']! / 2);
  });

  it('城市轨道交通 only in 太原, which has a metro', () => {
    const rail = CITIES.filter((c) => total(province, c, 'urban_rail') > 0);
    expect(rail).toEqual(['140100']);
  });
});
