/**
 * REST-fed panels: the 30-day trend, the overdue list and the 五落实缺项 count of the region on screen. Each
 * keeps only the region shown; a reload that comes back for a region no longer shown is dropped.
 */
import { ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type { Hazard } from '../../shared/schemas';
import { AnswerError, api, hazardPage, HttpError, type Trend } from '../lib/api';

export const OVERDUE_FETCH = 50;
/** 五落实缺项 counted up to this many (past it the wall says "100+"): the list's own filter, so the number is the ledger's */
export const PLAN_MISSING_FETCH = 100;
export type PlanMissingCount = { region: string; n: number; more: boolean };
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
  /** false when the server has no trend endpoint (404), refuses it, or answers it in another shape. */
  const trendAvailable = ref(true);
  const overdue = shallowRef<Hazard[]>([]);
  const overdueRegion = ref<string | null>(null);
  const overdueMore = ref(false);
  /** the last load of the region shown failed: the panel says so instead of showing an empty list as "none" */
  const overdueFailed = ref(false);
  const planMissing = shallowRef<PlanMissingCount | null>(null);
  let region: string | null = null;

  function showRegion(code: string): void {
    if (code === region) return;
    region = code;
    trend.value = null;
    overdue.value = [];
    overdueRegion.value = null;
    overdueFailed.value = false;
    planMissing.value = null;
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
      // refused, or answered in a shape this screen cannot read: the panel says the trend is unavailable
      if (r === region && ((e instanceof HttpError && e.status >= 400 && e.status < 500) || e instanceof AnswerError)) {
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
      overdueFailed.value = false;
    } catch {
      // A list shown stays (the next reload tries again); none shown yet is "unavailable", never "none"
      if (r === region) overdueFailed.value = true;
    }
  }

  /** Major hazards in rectification without a plan: GET /api/v1/hazards?planMissing=true, counted. */
  async function loadPlanMissing(): Promise<void> {
    const r = region;
    if (!r) return;
    try {
      const q = new URLSearchParams({ region: r, planMissing: 'true', limit: String(PLAN_MISSING_FETCH) });
      const page = await hazardPage(`/api/v1/hazards?${q}`);
      if (r !== region) return;
      planMissing.value = { region: r, n: page.items.length, more: page.nextCursor != null };
    } catch {
      // Kept as it was; the next reload tries again.
    }
  }

  return { trend, trendAvailable, overdue, overdueRegion, overdueMore, overdueFailed, planMissing, showRegion, loadTrend, loadOverdue, loadPlanMissing };
});
