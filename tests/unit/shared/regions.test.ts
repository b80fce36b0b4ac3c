import { describe, expect, it } from 'vitest';
import {
  ALL_REGIONS, PROVINCE_CODE, chainOf, childrenOf, cityOf, getRegion, isRegionCode, isWithin, resolveRegion,
} from '../../../shared/regions';

/** docs/DOMAIN.md's table of Shanxi (GB/T 2260, 2024). */
const CITIES: ReadonlyArray<[string, string, number]> = [
  ['140100', '太原市', 10], ['140200', '大同市', 10], ['140300', '阳泉市', 5], ['140400', '长治市', 12],
  ['140500', '晋城市', 6], ['140600', '朔州市', 6], ['140700', '晋中市', 11], ['140800', '运城市', 13],
  ['140900', '忻州市', 14], ['141000', '临汾市', 17], ['141100', '吕梁市', 13],
];

describe('the Shanxi table', () => {
  it('has one province, 11 cities and 117 counties, with unique codes', () => {
    expect(ALL_REGIONS.filter((r) => r.level === 'province').map((r) => r.code)).toEqual([PROVINCE_CODE]);
    expect(ALL_REGIONS.filter((r) => r.level === 'city')).toHaveLength(11);
    expect(ALL_REGIONS.filter((r) => r.level === 'county')).toHaveLength(117);
    expect(new Set(ALL_REGIONS.map((r) => r.code)).size).toBe(ALL_REGIONS.length);
    expect(childrenOf(PROVINCE_CODE).map((r) => r.code)).toEqual(CITIES.map(([c]) => c));
  });

  it.each(CITIES)('%s %s has %i counties', (code, name, n) => {
    expect(getRegion(code)).toMatchObject({ name, level: 'city', parent: PROVINCE_CODE });
    const counties = childrenOf(code);
    expect(counties).toHaveLength(n);
    for (const c of counties) {
      expect(c.level).toBe('county');
      expect(c.code.slice(0, 4)).toBe(code.slice(0, 4));
      expect(c.fullName).toBe(`${name}${c.name}`);
    }
  });

  it('leaves out 市辖区, keeps development zones out of the counties, and has the 2018–2019 boundaries', () => {
    expect(ALL_REGIONS.some((r) => r.name === '市辖区')).toBe(false);
    expect(ALL_REGIONS.filter((r) => /开发区|示范区|园区|风景/.test(r.fullName)).every((r) => r.level === 'zone')).toBe(true);
    for (const [code, name] of [['140213', '平城区'], ['140214', '云冈区'], ['140215', '云州区'], ['140403', '潞州区'],
      ['140404', '上党区'], ['140405', '屯留区'], ['140406', '潞城区'], ['141102', '离石区'], ['140923', '代县']]) {
      expect(getRegion(code!)?.name).toBe(name);
    }
    // codes that the 2018–2019 changes retired
    for (const old of ['140202', '140203', '140211', '140227', '140402', '140411', '140421', '140424', '140481']) {
      expect(isRegionCode(old), old).toBe(false);
    }
  });
});

describe('region relations', () => {
  it.each([
    ['141102', ['141102', '141100', '140000']],
    ['141100', ['141100', '140000']],
    ['140000', ['140000']],
    ['999999', []],
  ])('chainOf(%s)', (code, chain) => {
    expect(chainOf(code)).toEqual(chain);
  });

  it.each([
    ['141102', '141102', true], ['141102', '141100', true], ['141102', '140000', true], ['141100', '140000', true],
    ['140000', '140000', true], ['141102', '140100', false], ['141100', '141102', false], ['140000', '141100', false],
    ['140105', '141100', false], ['999999', '140000', false], ['141102', '999999', false],
  ])('isWithin(%s, %s) = %s', (code, scope, within) => {
    expect(isWithin(code, scope)).toBe(within);
  });

  it.each([
    ['141102', '141100'], ['141100', '141100'], ['140000', undefined], ['999999', undefined],
  ])('cityOf(%s) = %s', (code, city) => {
    expect(cityOf(code)).toBe(city);
  });
});

describe('resolveRegion', () => {
  it.each([
    ['141102', '141102'],
    ['吕梁市离石区', '141102'],
    ['山西省吕梁市离石区', '141102'],
    ['离石区', '141102'],
    [' 离石区 ', '141102'],
    ['吕梁市', '141100'],
    ['山西省', '140000'],
    ['阳泉市城区', '140302'],
    ['晋城市城区', '140502'],
    ['代县', '140923'],
    ['城区', undefined], // two cities have a 城区: ambiguous, so nothing
    ['离石', undefined],
    ['北京市', undefined],
    ['', undefined],
  ])('%j → %s', (text, code) => {
    expect(resolveRegion(text)?.code).toBe(code);
  });

  it('resolves every full name and every unique bare name to its own region', () => {
    const count = new Map<string, number>();
    for (const r of ALL_REGIONS) count.set(r.name, (count.get(r.name) ?? 0) + 1);
    for (const r of ALL_REGIONS) {
      expect(resolveRegion(r.fullName)?.code).toBe(r.code);
      expect(resolveRegion(r.code)?.code).toBe(r.code);
      if (count.get(r.name) === 1) expect(resolveRegion(r.name)?.code).toBe(r.code);
    }
  });
});
