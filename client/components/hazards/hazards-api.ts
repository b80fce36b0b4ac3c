/** The list, one hazard and the export address, same origin with the session cookie. */
import { HazardSchema, type Hazard } from '../../../shared/schemas';
import { getJson, hazardPage, type HazardPage } from '../../lib/api';

export type Tri = '' | 'true' | 'false';
export type ListFilters = { region: string; sector: string; level: string; status: string; overdue: Tri; listed: Tri; planMissing: Tri };
export const FILTER_KEYS = ['region', 'sector', 'level', 'status', 'overdue', 'listed', 'planMissing'] as const;

export const emptyFilters = (): ListFilters => ({ region: '', sector: '', level: '', status: '', overdue: '', listed: '', planMissing: '' });

/** The filters that are set, as query parameters (the same for the list and the export). */
export function filterParams(f: ListFilters): URLSearchParams {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) if (f[k]) q.set(k, f[k]);
  return q;
}

/** Filters from an address (unknown values are the API's to refuse; the page drops them first). */
export function filtersFrom(search: string): ListFilters {
  const q = new URLSearchParams(search);
  const f = emptyFilters();
  for (const k of FILTER_KEYS) {
    const v = q.get(k) ?? '';
    const tri: Tri = v === 'true' || v === 'false' ? v : '';
    if (k === 'overdue' || k === 'listed' || k === 'planMissing') f[k] = tri;
    else f[k] = v;
  }
  return f;
}

export const hazardsApi = {
  list(f: ListFilters, limit: number, cursor?: string): Promise<HazardPage> {
    const q = filterParams(f);
    q.set('limit', String(limit));
    if (cursor) q.set('cursor', cursor);
    return hazardPage(`/api/v1/hazards?${q}`);
  },
  /** one hazard with its history (typed as the screens use it: see lib/api.ts hazardPage) */
  get: (id: string) => getJson(`/api/v1/hazards/${encodeURIComponent(id)}`, HazardSchema) as Promise<unknown> as Promise<Hazard>,
  exportUrl(f: ListFilters, format: 'csv' | 'xlsx'): string {
    const q = filterParams(f);
    q.set('format', format);
    return `/api/v1/hazards/export?${q}`;
  },
};
