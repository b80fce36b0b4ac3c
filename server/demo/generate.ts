/**
 * One simulated report: the city's economy chooses the sector (coal by how much coal the city mines, 城镇燃气 by urban
 * population, 城市轨道交通 only where there is a metro), the sector chooses the county (coal only where there are mines),
 * then the level, then a title for that level.
 */
import { creditCheckChar } from '../../shared/credit-code';
import type { Level, Sector, Source } from '../../shared/domain';
import { childrenOf, getRegion, zonesOf, type Region } from '../../shared/regions';
import { CITY_COAL, CITY_URBAN_POPULATION, URBAN_CORES, coalWeight, noncoalWeight } from '../../shared/regions/economy';
import type { HazardInput } from '../../shared/schemas';
import { addDays, dayOf } from '../../shared/time';
import { BASE_SECTOR_WEIGHT, DEFAULT_MAJOR_SHARE, ENTERPRISE_SUFFIX, FIRM_WORDS, MAJOR_SHARE, SOURCE_WEIGHT, TITLES } from './catalogue';

export type Rand = () => number;

export function weighted<K extends string>(rand: Rand, weights: Record<K, number>): K {
  const entries = (Object.entries(weights) as Array<[K, number]>).filter(([, w]) => w > 0);
  let x = rand() * entries.reduce((s, [, w]) => s + w, 0);
  for (const [k, w] of entries) if ((x -= w) <= 0) return k;
  return entries[entries.length - 1]![0];
}
export const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const COAL_FACTOR = { heaviest: 2.2, heavy: 1.5, some: 0.35, light: 0.1 } as const;
/** Cities with big iron, copper or bauxite mines report more 非煤矿山. */
const NONCOAL_FACTOR: Record<string, number> = { '140900': 2, '141100': 1.3, '140800': 1.2, '141000': 1.1, '140100': 0.8 };
/** 太原 has the province's only metro (Line 2 since 2020). */
const METRO_CITIES = new Set(['140100']);

export function sectorWeights(city: string): Record<Sector, number> {
  const urban = (CITY_URBAN_POPULATION[city] ?? 150) / 200;
  return {
    ...BASE_SECTOR_WEIGHT,
    coal: BASE_SECTOR_WEIGHT.coal * COAL_FACTOR[CITY_COAL[city] ?? 'light'],
    noncoal: BASE_SECTOR_WEIGHT.noncoal * (NONCOAL_FACTOR[city] ?? 1),
    gas: BASE_SECTOR_WEIGHT.gas * urban,
    urban_rail: METRO_CITIES.has(city) ? 0.015 : 0,
  };
}

/** Where in the city a hazard of this sector is found: a county (by its mines for mining), a zone, or the city itself. */
export function placeOf(rand: Rand, city: Region, sector: Sector, silent: ReadonlySet<string>): Region {
  const counties = childrenOf(city.code).filter((c) => !silent.has(c.code));
  const mining = sector === 'coal' || sector === 'noncoal';
  if (!mining) {
    const zones = zonesOf(city.code);
    const roll = rand();
    if (zones.length && roll < 0.05) return pick(rand, zones);
    if (roll < 0.09) return city;
  }
  const weight = (c: Region): number => {
    if (sector === 'coal') return coalWeight(c.code);
    if (sector === 'noncoal') return noncoalWeight(c.code);
    return URBAN_CORES.has(c.code) && ['gas', 'fire', 'catering', 'construction', 'urban_rail'].includes(sector) ? 3 : 1;
  };
  const code = weighted(rand, Object.fromEntries(counties.map((c) => [c.code, weight(c)])) as Record<string, number>);
  return getRegion(code) ?? city;
}

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** A 统一社会信用代码 that passes GB 32100: 91 (enterprise), the county's code, a random organisation code, the check. */
export function demoCreditCode(rand: Rand, regionCode: string): string {
  let body = `91${regionCode}`;
  for (let i = 0; i < 9; i++) body += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return body + creditCheckChar(body)!;
}

export function demoHazard(rand: Rand, city: Region, at: number, id: string, silent: ReadonlySet<string>, tz: string): HazardInput {
  const sector = weighted<Sector>(rand, sectorWeights(city.code));
  const region = placeOf(rand, city, sector, silent);
  const level: Level = rand() < (MAJOR_SHARE[sector] ?? DEFAULT_MAJOR_SHARE) ? 'major' : 'general';
  const day = dayOf(at, tz);
  const days = level === 'major' ? 20 + Math.floor(rand() * 60) : Math.floor(rand() * 25);
  const onSpot = level === 'general' && rand() < 0.25;
  return {
    id, regionCode: region.code, sector, level,
    title: pick(rand, TITLES[sector][level]),
    // the county keeps its 县/区: 代县鑫源矿业有限公司, not 代鑫源矿业
    enterprise: { name: `${region.name}${pick(rand, FIRM_WORDS)}${ENTERPRISE_SUFFIX[sector]}`, creditCode: demoCreditCode(rand, region.code) },
    source: weighted<Source>(rand, SOURCE_WEIGHT),
    discoveredAt: new Date(at).toISOString(),
    ...(onSpot ? {} : { deadline: addDays(day, days) }),
  };
}
