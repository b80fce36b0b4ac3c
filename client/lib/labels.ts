/**
 * Display labels for codes, in the page's language: Chinese from shared/domain, English at ?lang=en (region
 * names are proper nouns, shown in Chinese). The one place a screen turns a sector, level, status or source
 * code into words; an unknown code is shown as it is.
 */
import { LEVELS, SOURCES, STATUSES, sectorLabel } from '../../shared/domain';
import { getRegion, regionName } from '../../shared/regions';

type Entry = { code: string; zh: string; en: string };
const find = (list: readonly Entry[], code: string | undefined, locale: string): string => {
  const e = list.find((x) => x.code === code);
  return e ? (locale === 'en' ? e.en : e.zh) : code ?? '';
};

export const sectorName = (code: string, locale: string): string => sectorLabel(code, locale === 'en' ? 'en' : 'zh');
export const levelName = (code: string, locale: string): string => find(LEVELS, code, locale);
export const statusName = (code: string, locale: string): string => find(STATUSES, code, locale);
export const sourceName = (code: string | undefined, locale: string): string => find(SOURCES, code, locale);

/** "吕梁市 离石区" for a county, "长治市 长治高新区" for a development zone, "吕梁市" for a city. */
export function placeText(code: string): string {
  const r = getRegion(code);
  if (!r) return code;
  if ((r.level === 'county' || r.level === 'zone') && r.parent) return `${regionName(r.parent)} ${r.name}`;
  return r.name;
}
