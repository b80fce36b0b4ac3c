import { describe, expect, it } from 'vitest';
import { ALL_REGIONS, PROVINCE_CODE, chainOf, childrenOf, cityOf, getRegion, isRegionCode, isWithin, reportingUnitsOf, resolveRegion, zonesOf } from '../../../shared/regions';
import { WITHDRAWN } from '../../../shared/regions/changes';
import { HazardInputSchema, RegionCodeSchema, hasWithdrawnRegion } from '../../../shared/schemas';
import { childOf } from '../../../shared/briefing-count';
import { Aggregates, touchesOf } from '../../../shared/aggregation';

const hazard = (regionCode: string) => ({
  id: 'Z-1', regionCode, sector: 'coal', level: 'general', title: '测试', discoveredAt: '2024-11-18T09:30:00+08:00',
});

describe('development zones (docs/DOMAIN.md "Regions")', () => {
  it.each([
    ['140171', '140100'], ['140271', '140200'], ['140471', '140400'], ['140671', '140600'], ['140971', '140900'],
  ])('%s reports and counts in its city %s, and is no county', (zone, city) => {
    expect(getRegion(zone)?.level).toBe('zone');
    expect(isRegionCode(zone)).toBe(true);
    expect(HazardInputSchema.safeParse(hazard(zone)).success).toBe(true);
    expect(chainOf(zone)).toEqual([zone, city, PROVINCE_CODE]);
    expect(cityOf(zone)).toBe(city);
    expect(isWithin(zone, city)).toBe(true);
    expect(childrenOf(city).map((c) => c.code)).not.toContain(zone);
    expect(zonesOf(city).map((z) => z.code)).toEqual([zone]);
    // a city's briefing counts it with the city's own code (开发区及市本级), the province's in the city
    expect(childOf(city, zone)).toBe('');
    expect(childOf(PROVINCE_CODE, zone)).toBe(city);
  });

  it('adds to the city total, not to any county: the gap the screens label 开发区及市本级', () => {
    const agg = new Aggregates();
    const f = { sector: 'coal' as const, level: 'general' as const, status: 'reported' as const, deadline: null, listed: false };
    agg.apply({ ...f, regionCode: '140171' }, '2024-11-18', 1);
    agg.apply({ ...f, regionCode: '140105' }, '2024-11-18', 1);
    const city = agg.summaryBody('140100');
    expect(city.totals.total).toBe(2);
    expect(Object.values(city.byRegion).reduce((n, c) => n + c.total, 0)).toBe(1);
    expect(Object.keys(city.byRegion)).not.toContain('140171');
    expect(touchesOf('140171', 'coal').map((t) => t.child)).toEqual([null, null, '140100']);
    expect(agg.summaryBody(PROVINCE_CODE).byRegion['140100']!.total).toBe(2);
    expect(agg.summaryBody('140171').totals.total).toBe(1);
  });
});

describe('codes withdrawn in 2018–2019', () => {
  it.each([
    ['140202', '大同市城区（140202）已撤销，2018年并入平城区（140213）'],
    ['140203', '大同市矿区（140203）已撤销，2018年并入云冈区（140214）'],
    ['140211', '大同市南郊区（140211）已撤销，2018年分别并入云冈区（140214）、平城区（140213），请按隐患所在地选用'],
    ['140227', '大同县（140227）已撤销，2018年并入云州区（140215）'],
    ['140402', '长治市城区（140402）已撤销，2018年并入潞州区（140403）'],
    ['140411', '长治市郊区（140411）已撤销，2018年并入潞州区（140403）'],
    ['140421', '长治县（140421）已撤销，2018年并入上党区（140404）'],
    ['140424', '屯留县（140424）已撤销，2018年并入屯留区（140405）'],
    ['140481', '潞城市（140481）已撤销，2018年并入潞城区（140406）'],
    ['140624', '怀仁县（140624）已撤销，2018年并入怀仁市（140681）'],
    ['140726', '太谷县（140726）已撤销，2019年并入太谷区（140703）'],
  ])('%s is refused naming its successor', (code, zh) => {
    expect(isRegionCode(code)).toBe(false);
    const r = HazardInputSchema.safeParse(hazard(code));
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(hasWithdrawnRegion(r.error.issues)).toBe(true);
    expect(r.error.issues[0]!.message.startsWith(`${zh} / `)).toBe(true);
  });

  it('every successor is a county of today, in the same city', () => {
    for (const w of WITHDRAWN) {
      for (const s of w.successors) {
        expect(getRegion(s)?.level, `${w.code} → ${s}`).toBe('county');
        expect(s.slice(0, 4)).toBe(w.code.slice(0, 4));
      }
    }
  });

  it('140221 is 阳高县, a county of today, not a withdrawn code', () => {
    expect(getRegion('140221')?.name).toBe('阳高县');
    expect(RegionCodeSchema.safeParse('140221').success).toBe(true);
  });

  it('an unknown code stays unknown', () => {
    const r = RegionCodeSchema.safeParse('149999');
    expect(r.success).toBe(false);
    if (!r.success) expect(hasWithdrawnRegion(r.error.issues)).toBe(false);
  });
});

describe('every list of places holds the zones (reportingUnitsOf: the desk form, the ledger filter)', () => {
  it('a city: itself (市本级), its counties, then its zones', () => {
    const units = reportingUnitsOf('140400').map((r) => r.code);
    expect(units[0]).toBe('140400');
    expect(units.at(-1)).toBe('140471');
    expect(units).toEqual(['140400', ...childrenOf('140400').map((c) => c.code), '140471']);
  });

  it('the province: every city, county and zone once, no withdrawn code', () => {
    const units = reportingUnitsOf(PROVINCE_CODE);
    expect(units.length).toBe(ALL_REGIONS.length - 1);
    expect(new Set(units.map((r) => r.code)).size).toBe(units.length);
    expect(units.filter((r) => r.level === 'zone').map((r) => r.code).sort()).toEqual(['140171', '140271', '140471', '140671', '140971']);
    expect(units.filter((r) => r.level === 'county')).toHaveLength(117);
    for (const w of WITHDRAWN) expect(units.some((r) => r.code === w.code), w.code).toBe(false);
  });

  it('a county or a zone: itself alone', () => {
    expect(reportingUnitsOf('141102').map((r) => r.code)).toEqual(['141102']);
    expect(reportingUnitsOf('140471').map((r) => r.code)).toEqual(['140471']);
    expect(reportingUnitsOf('999999')).toEqual([]);
  });
});

describe('140471 长治高新技术产业开发区', () => {
  it('is named as the zone names itself, short 长治高新区', () => {
    expect(getRegion('140471')).toMatchObject({ name: '长治高新区', fullName: '长治高新技术产业开发区', parent: '140400', level: 'zone' });
  });

  it('an old ledger\'s 统计用区划代码 name still resolves to it', () => {
    expect(resolveRegion('长治高新技术产业开发区')?.code).toBe('140471');
    expect(resolveRegion('山西长治高新技术产业园区')?.code).toBe('140471');
    expect(resolveRegion('长治高新区')?.code).toBe('140471');
  });
});
