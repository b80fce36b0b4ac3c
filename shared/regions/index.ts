/**
 * The region table (GB/T 2260 codes, one data file per province). Everything that knows about
 * regions asks this module, so a second province is a data file, not a code change.
 */
import shanxi from './data/140000.json';

export type RegionLevel = 'province' | 'city' | 'county';
export type Region = {
  code: string;
  name: string;
  fullName: string;
  parent: string | null;
  level: RegionLevel;
};

const ROWS: readonly Region[] = shanxi as Region[];
const byCode = new Map<string, Region>(ROWS.map((r) => [r.code, r]));
const byFullName = new Map<string, Region>();
const children = new Map<string, Region[]>();
for (const r of ROWS) {
  byFullName.set(r.fullName, r);
  if (r.parent) {
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
