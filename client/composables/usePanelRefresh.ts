/**
 * Keeps the REST panels (trend, overdue list) of the region on screen current: on a region change, after a
 * reconnect, when the live totals move (throttled), and every minute (a deadline passing changes the list
 * without any event).
 */
import { onBeforeUnmount, watch, type Ref } from 'vue';
import type { Summary } from '../../shared/schemas';
import { throttle } from '../lib/throttle';
import { useConnectionStore } from '../stores/connection.store';
import { usePanelsStore } from '../stores/panels.store';

export const TREND_MIN_INTERVAL_MS = 10_000;
export const OVERDUE_MIN_INTERVAL_MS = 5_000;
export const PANEL_PERIOD_MS = 60_000;

export function usePanelRefresh(region: Ref<string>, summary: Ref<Summary | null>) {
  const panels = usePanelsStore();
  const conn = useConnectionStore();
  const trend = throttle(() => void panels.loadTrend(), TREND_MIN_INTERVAL_MS);
  const overdue = throttle(() => void panels.loadOverdue(), OVERDUE_MIN_INTERVAL_MS);

  watch(region, (r) => {
    panels.showRegion(r);
    trend.now();
    overdue.now();
  }, { immediate: true });

  watch(() => {
    const s = summary.value;
    return s ? `${s.region}|${s.today}|${s.totals.total}|${s.totals.closed}|${s.totals.major}` : '';
  }, (key, old) => {
    if (key && old) trend.call();
  });
  watch(() => {
    const s = summary.value;
    return s ? `${s.region}|${s.totals.overdue}|${s.totals.open}|${s.totals.listed}` : '';
  }, (key, old) => {
    if (key && old) overdue.call();
  });
  watch(() => conn.connects, (n, old) => {
    if (n > 1 || old) {
      trend.call();
      overdue.call();
    }
  });

  const periodic = setInterval(() => {
    trend.call();
    overdue.call();
  }, PANEL_PERIOD_MS);

  onBeforeUnmount(() => {
    clearInterval(periodic);
    trend.cancel();
    overdue.cancel();
  });
}
