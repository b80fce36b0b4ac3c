/**
 * REST-fed panels: the 30-day trend and the overdue list of the region on screen. Each keeps only the
 * region shown; a reload that comes back for a region no longer shown is dropped.
 */
import { ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type { Hazard } from '../../shared/schemas';
import { api, HttpError, type Trend } from '../lib/api';

export const OVERDUE_FETCH = 50;
export const OVERDUE_MAX = 30;

/** Most overdue first (oldest deadline), majors before generals on the same day. Pure, for tests. */
export function rankOverdue(items: readonly Hazard[], max = OVERDUE_MAX): Hazard[] {
  return items
    .filter((h) => h.overdue)
    .sort((a, b) => (a.deadline ?? '').localeCompare(b.deadline ?? '') || (a.level === b.level ? 0 : a.level === 'major' ? -1 : 1))
    .slice(0, max);
}

export const usePanelsStore = defineStore('panels', () => {
  const trend = shallowRef<Trend | null>(null);
  /** false when the server has no trend endpoint (404) or refuses it. */
  const trendAvailable = ref(true);
  const overdue = shallowRef<Hazard[]>([]);
  const overdueRegion = ref<string | null>(null);
  const overdueMore = ref(false);
  let region: string | null = null;

  function showRegion(code: string): void {
    if (code === region) return;
    region = code;
    trend.value = null;
    overdue.value = [];
    overdueRegion.value = null;
  }

  async function loadTrend(): Promise<void> {
    const r = region;
    if (!r) return;
    try {
      const t = await api.trend(r, 30);
      if (r !== region) return;
      trend.value = t;
      trendAvailable.value = true;
    } catch (e) {
      if (r === region && e instanceof HttpError && e.status >= 400 && e.status < 500) {
        trend.value = null;
        trendAvailable.value = false;
      }
    }
  }

  async function loadOverdue(): Promise<void> {
    const r = region;
    if (!r) return;
    try {
      const page = await api.overdue(r, OVERDUE_FETCH);
      if (r !== region) return;
      overdue.value = rankOverdue(page.items);
      overdueMore.value = page.nextCursor != null;
      overdueRegion.value = r;
    } catch {
      // Kept as it was; the next reload tries again.
    }
  }

  return { trend, trendAvailable, overdue, overdueRegion, overdueMore, showRegion, loadTrend, loadOverdue };
});
