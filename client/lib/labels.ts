/** Display labels for codes, in the page's language (region names are proper nouns, shown in Chinese). */
import { sectorLabel } from '../../shared/domain';
import { getRegion, regionName } from '../../shared/regions';

export const sectorText = (code: string, locale: string): string => sectorLabel(code, locale === 'en' ? 'en' : 'zh');

/** "吕梁市 离石区" for a county, "长治市 长治高新区" for a development zone, "吕梁市" for a city. */
export function placeText(code: string): string {
  const r = getRegion(code);
  if (!r) return code;
  if ((r.level === 'county' || r.level === 'zone') && r.parent) return `${regionName(r.parent)} ${r.name}`;
  return r.name;
}
