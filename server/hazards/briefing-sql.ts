/** The WHERE fragment that keeps a region's rows (a city by city_code, a county by region_code), shared by the reads. */
import { getRegion } from '../../shared/regions';

export function scopeSql(region: string): string {
  const r = getRegion(region);
  if (!r || r.level === 'province') return '';
  return r.level === 'city' ? 'AND city_code = @region' : 'AND region_code = @region';
}
