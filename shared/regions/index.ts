/**
 * The region table (GB/T 2260 codes, one data file per province, plus the province's development zones and
 * withdrawn codes in changes.ts). Everything that knows about regions asks this module, so a second province is
 * data, not a code change.
 */
import shanxi from './data/140000.json';
import { WITHDRAWN, ZONES, type Withdrawn } from './changes';

/** `zone`: a development zone reporting to its city (docs/DOMAIN.md); not a county, not on the county map. */
export type RegionLevel = 'province' | 'city' | 'county' | 'zone';
export type Region = {
  code: string;
  name: string;
  fullName: string;
  parent: string | null;
  level: RegionLevel;
};

const ZONE_ROWS: Region[] = ZONES.map(({ aliases: _aliases, ...z }) => ({ ...z, level: 'zone' }));
const ROWS: readonly Region[] = [...(shanxi as Region[]), ...ZONE_ROWS];
const byCode = new Map<string, Region>(ROWS.map((r) => [r.code, r]));
const byFullName = new Map<string, Region>();
const children = new Map<string, Region[]>();
for (const r of ROWS) {
  byFullName.set(r.fullName, r);
  for (const a of ZONES.find((z) => z.code === r.code)?.aliases ?? []) byFullName.set(a, r);
  // a zone is in its city (chainOf, isWithin) but not among its counties (childrenOf)
  if (r.parent && r.level !== 'zone') {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
}

export const PROVINCE_CODE = '140000';
export const ALL_REGIONS: readonly Region[] = ROWS;

export const getRegion = (code: string): Region | undefined => byCode.get(code);
export const isRegionCode = (code: string): boolean => byCode.has(code);
export const childrenOf = (code: string): readonly Region[] => children.get(code) ?? [];
/** A city's development zones. */
export const zonesOf = (city: string): readonly Region[] => ZONE_ROWS.filter((z) => z.parent === city);

/**
 * What hazards of a region may be reported against, for lists a person picks from: a county or a zone itself;
 * for a city, the city code itself (市本级), its counties, then its development zones (开发区); for the province,
 * that of each city. Every screen that lists places uses it, so a zone is never left out of one.
 */
export function reportingUnitsOf(code: string): Region[] {
  const r = byCode.get(code);
  if (!r) return [];
  if (r.level === 'county' || r.level === 'zone') return [r];
  if (r.level === 'city') return [r, ...childrenOf(r.code), ...zonesOf(r.code)];
  return childrenOf(r.code).flatMap((c) => reportingUnitsOf(c.code));
}

const withdrawn = new Map<string, Withdrawn>(WITHDRAWN.map((w) => [w.code, w]));
export const withdrawnCode = (code: string): Withdrawn | undefined => withdrawn.get(code);

/**
 * Why a withdrawn code is refused, naming the successor in Chinese and English:
 * 屯留县（140424）已撤销，2018年并入屯留区（140405）.
 */
export function withdrawnMessage(w: Withdrawn): { zh: string; en: string } {
  const zh = w.successors.map((c) => `${byCode.get(c)?.name ?? c}（${c}）`).join('、');
  const en = w.successors.map((c) => `${c} ${byCode.get(c)?.name ?? ''}`.trim()).join(' and ');
  return w.partly
    ? { zh: `${w.name}（${w.code}）已撤销，${w.year}年分别并入${zh}，请按隐患所在地选用`, en: `${w.code} ${w.name} was withdrawn in ${w.year} and split between ${en}; use the one where the hazard is` }
    : { zh: `${w.name}（${w.code}）已撤销，${w.year}年并入${zh}`, en: `${w.code} ${w.name} was withdrawn in ${w.year}; use ${en}` };
}
export const regionName = (code: string): string => byCode.get(code)?.name ?? code;

/** The region itself, then its parent, up to the province: county → city → province. */
export function chainOf(code: string): string[] {
  const chain: string[] = [];
  for (let r = byCode.get(code); r; r = r.parent ? byCode.get(r.parent) : undefined) chain.push(r.code);
  return chain;
}

/** True when `code` is `scope` or lies below it. */
export function isWithin(code: string, scope: string): boolean {
  if (code === scope) return true;
  for (let r = byCode.get(code); r?.parent; r = byCode.get(r.parent)) if (r.parent === scope) return true;
  return false;
}

/** The city a region belongs to (itself for a city); undefined for the province. */
export function cityOf(code: string): string | undefined {
  const r = byCode.get(code);
  if (!r || r.level === 'province') return undefined;
  return r.level === 'city' ? r.code : r.parent ?? undefined;
}

/**
 * A region from what people type: a code, a full name (吕梁市离石区), a city (吕梁市) or a county
 * name that is unique in the province (离石区). Ambiguous bare names resolve to nothing.
 */
export function resolveRegion(text: string): Region | undefined {
  const raw = text.trim();
  const t = raw.replace(/^山西省/, '');
  // the province's own full name is the prefix that is stripped, so look it up before stripping
  const exact = byCode.get(t) ?? byFullName.get(raw) ?? byFullName.get(t);
  if (exact) return exact;
  const matches = ROWS.filter((r) => r.name === t);
  return matches.length === 1 ? matches[0] : undefined;
}
