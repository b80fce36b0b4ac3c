/**
 * What the province's economy makes likely where: which sectors are heavy in which city and county. The
 * briefing's `sector_absent` flag asks why a heavy sector reported nothing; the demo draws its hazards from the
 * same table, so the demo looks like Shanxi. Sources: docs/DOMAIN.md's city table (coal), the counties' known
 * coal fields and mines (太原西山/古交, 大同云冈/左云, 阳泉矿区/郊区/平定/盂县, 长治潞安, 晋城泽州/高平/沁水/阳城,
 * 朔州平鲁/山阴, 晋中介休/灵石/寿阳/左权/和顺, 忻州宁武/河曲/保德/原平, 临汾乡宁/霍州/蒲县/古县/安泽, 吕梁离石/
 * 柳林/孝义/中阳/交口/兴县/临县) and iron, copper and bauxite mines (代县, 繁峙, 五台, 岚县, 娄烦, 垣曲, 平陆, 襄汾,
 * 翼城, 孝义, 兴县), and 2020 census urban population (万人, rounded) for 城镇燃气.
 */
import type { Sector } from '../domain';

export type CoalWeight = 'heaviest' | 'heavy' | 'some' | 'light';
export const CITY_COAL: Readonly<Record<string, CoalWeight>> = {
  '140100': 'some', '140200': 'heavy', '140300': 'heavy', '140400': 'heavy', '140500': 'heavy', '140600': 'heaviest',
  '140700': 'heavy', '140800': 'light', '140900': 'heavy', '141000': 'heavy', '141100': 'heavy',
};

/** 城镇人口 (万人), 第七次全国人口普查 (2020): 常住人口 × 城镇化率, rounded. */
export const CITY_URBAN_POPULATION: Readonly<Record<string, number>> = {
  '140100': 473, '140200': 217, '140300': 92, '140400': 177, '140500': 138, '140600': 93,
  '140700': 204, '140800': 241, '140900': 141, '141000': 212, '141100': 179,
};

/** Coal counties: 3 = a main coal field, 1 = some mines. A county not listed has no coal mine. */
export const COAL_COUNTIES: Readonly<Record<string, number>> = {
  '140181': 3, '140109': 1, '140110': 1, '140122': 1,
  '140214': 3, '140226': 3, '140212': 1, '140225': 1, '140215': 1,
  '140303': 3, '140311': 3, '140321': 3, '140322': 3,
  '140406': 3, '140423': 3, '140405': 3, '140428': 3, '140431': 3, '140429': 3, '140430': 1, '140404': 1, '140426': 1,
  '140525': 3, '140581': 3, '140521': 3, '140522': 3, '140524': 1,
  '140603': 3, '140621': 3, '140602': 3, '140681': 3, '140623': 1, '140622': 1,
  '140781': 3, '140729': 3, '140725': 3, '140722': 1, '140723': 3, '140724': 1, '140721': 1, '140728': 1,
  '140925': 3, '140930': 3, '140931': 3, '140981': 3, '140926': 1, '140932': 1,
  '141029': 3, '141082': 3, '141033': 3, '141025': 3, '141026': 3, '141024': 1, '141027': 1, '141034': 1, '141002': 1,
  '141102': 3, '141125': 3, '141181': 3, '141129': 3, '141130': 3, '141123': 1, '141124': 1, '141128': 1, '141126': 1, '141182': 1,
  '140882': 1,
};

/** Non-coal mines (iron, copper, bauxite, gold; 含尾矿库): 3 = a main mining county. Others have quarries (weight 0.5). */
export const NONCOAL_COUNTIES: Readonly<Record<string, number>> = {
  '140923': 3, '140924': 3, '140922': 3, '141127': 3, '140123': 3, '140827': 3, '140829': 1, '141023': 1, '141022': 1,
  '141181': 1, '141123': 1, '140224': 1,
};

/** Urban cores with no mine or quarry at all. */
export const URBAN_CORES: ReadonlySet<string> = new Set([
  '140105', '140106', '140107', '140213', '140302', '140403', '140502', '140802',
]);

export const coalWeight = (county: string): number => COAL_COUNTIES[county] ?? 0;
export const noncoalWeight = (county: string): number => (URBAN_CORES.has(county) ? 0 : NONCOAL_COUNTIES[county] ?? 0.5);

/** The sectors a region's report should never be without: a coal city's coal, a mining county's mines. */
export function heavySectors(code: string): Sector[] {
  const out: Sector[] = [];
  const coal = CITY_COAL[code];
  if (coal === 'heavy' || coal === 'heaviest' || coalWeight(code) >= 3) out.push('coal');
  if ((NONCOAL_COUNTIES[code] ?? 0) >= 3) out.push('noncoal');
  return out;
}
