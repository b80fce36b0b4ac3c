/**
 * The demo looks like Shanxi: a finding the standards call major is never general, coal comes from mining counties
 * of coal cities, 城镇燃气 follows urban population, and every enterprise has a valid credit code and a proper name.
 */
import { describe, expect, it } from 'vitest';
import { isValidCreditCode } from '../../../shared/credit-code';
import { HazardInputSchema } from '../../../shared/schemas';
import { ALL_REGIONS, cityOf, getRegion } from '../../../shared/regions';
import { URBAN_CORES, coalWeight } from '../../../shared/regions/economy';
import { TITLES } from '../../../server/demo/catalogue';
import { demoHazard } from '../../../server/demo/generate';
import { rng } from '../../helpers/hazards';
import type { HazardInput } from '../../../shared/schemas';

const r = rng(13);
const rand = () => r.next();
const cities = ALL_REGIONS.filter((c) => c.level === 'city');
const T0 = Date.parse('2024-11-20T00:00:00Z');
// a back-fill's worth: 60 days × 11 cities × ~10 a day
const all: HazardInput[] = [];
for (let i = 0; i < 6600; i++) all.push(demoHazard(rand, cities[i % cities.length]!, T0 + i * 600_000, `T-${i}`, new Set(), 'Asia/Shanghai'));
const MAJOR_TITLES = new Set(Object.values(TITLES).flatMap((t) => t.major));

const share = (city: string, sector: string) => {
  const mine = all.filter((h) => cityOf(h.regionCode) === city);
  return mine.filter((h) => h.sector === sector).length / mine.length;
};

describe('the demo feed', () => {
  it('every report is valid input, with a valid credit code and the county name kept whole', () => {
    for (const h of all) {
      expect(HazardInputSchema.safeParse(h).success, h.id).toBe(true);
      expect(isValidCreditCode(h.enterprise!.creditCode!), h.enterprise!.creditCode).toBe(true);
      expect(h.enterprise!.name.startsWith(getRegion(h.regionCode)!.name), h.enterprise!.name).toBe(true);
    }
  });

  it('no title of the major-hazard standards comes out general, and no major comes with a general title', () => {
    for (const h of all) expect(MAJOR_TITLES.has(h.title), `${h.level} ${h.title}`).toBe(h.level === 'major');
    expect(all.filter((h) => h.level === 'major').length).toBeGreaterThan(400);
  });

  it('coal only where there are mines: never in 迎泽区, 杏花岭区, 阳泉城区 or another urban core', () => {
    const coal = all.filter((h) => h.sector === 'coal');
    expect(coal.length).toBeGreaterThan(300);
    for (const h of coal) {
      expect(coalWeight(h.regionCode), h.regionCode).toBeGreaterThan(0);
      expect(URBAN_CORES.has(h.regionCode)).toBe(false);
    }
  });

  it('the sector mix per city follows its economy', () => {
    const coalShares = Object.fromEntries(cities.map((c) => [c.code, share(c.code, 'coal')]));
    // 朔州 mines most, 运城 and 太原 least
    expect(Math.max(...Object.values(coalShares))).toBe(coalShares['140600']);
    expect(coalShares['140800']).toBeLessThan(0.03);
    expect(coalShares['140100']).toBeLessThan(coalShares['141100']!);
    // 城镇燃气 by urban population: 太原 highest in count
    const gas = Object.fromEntries(cities.map((c) => [c.code, all.filter((h) => h.sector === 'gas' && cityOf(h.regionCode) === c.code).length]));
    expect(Math.max(...Object.values(gas))).toBe(gas['140100']);
    // a metro only in 太原
    expect(new Set(all.filter((h) => h.sector === 'urban_rail').map((h) => cityOf(h.regionCode)))).toEqual(new Set(['140100']));
    // the iron counties of 忻州 (代县, 繁峙, 五台) carry most of its 非煤矿山
    const xinzhou = all.filter((h) => h.sector === 'noncoal' && cityOf(h.regionCode) === '140900');
    expect(xinzhou.filter((h) => ['140923', '140924', '140922'].includes(h.regionCode)).length / xinzhou.length).toBeGreaterThan(0.4);
  });

  it('development zones and the city itself report too', () => {
    expect(all.some((h) => getRegion(h.regionCode)?.level === 'zone')).toBe(true);
    expect(all.some((h) => getRegion(h.regionCode)?.level === 'city')).toBe(true);
  });
});
