/** Loads a briefing for a region, period and language; the latest request wins. */
import { ref, shallowRef } from 'vue';
import { BriefingSchema, type Briefing, type Lang } from '../../../shared/briefing';
import type { Period } from '../../../shared/briefing-period';
import { getJson } from '../../lib/api';

export function useBriefing() {
  const briefing = shallowRef<Briefing | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(false);
  let ticket = 0;

  async function load(region: string, period: Period, lang: Lang): Promise<void> {
    const mine = ++ticket;
    loading.value = true;
    error.value = null;
    const q = new URLSearchParams({ region, from: period.from, to: period.to, lang });
    try {
      const b = await getJson(`/api/v1/briefing?${q}`, BriefingSchema, 30_000);
      if (mine === ticket) briefing.value = b;
    } catch (e) {
      if (mine === ticket) error.value = e instanceof Error ? e.message : String(e);
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }

  return { briefing, error, loading, load };
}
