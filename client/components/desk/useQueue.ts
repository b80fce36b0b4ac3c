/**
 * My queue: what my region must act on now — overdue, due within 3 days, waiting for my acceptance,
 * listed by a higher level — and major hazards in rectification without a 五落实 plan. Each group is one
 * bounded list request (at most 50 each; the ledger has the rest).
 */
import { ref } from 'vue';
import { LISTING_LEVELS } from '../../../shared/domain';
import type { Hazard } from '../../../shared/schemas';
import { addDays } from '../../../shared/time';
import { deskApi, type Me } from './desk-api';
import { actionsFor, levelOf } from './permissions';

export type QueueGroup = 'overdue' | 'dueSoon' | 'acceptance' | 'listedAbove' | 'planMissing';
export const GROUPS: QueueGroup[] = ['overdue', 'dueSoon', 'acceptance', 'listedAbove', 'planMissing'];

async function list(q: Record<string, string>): Promise<Hazard[]> {
  const r = await deskApi.get<{ items: Hazard[] }>(`/api/v1/hazards?${new URLSearchParams({ limit: '50', ...q })}`);
  return r.ok ? r.body.items : [];
}

export function useQueue() {
  const groups = ref<Record<QueueGroup, Hazard[]>>({ overdue: [], dueSoon: [], acceptance: [], listedAbove: [], planMissing: [] });
  const loading = ref(true);

  async function load(me: Me): Promise<void> {
    const region = me.region;
    const soon = addDays(me.today, 3);
    const [overdue, reported, rectifying, rectified, listed, planMissing] = await Promise.all([
      list({ region, overdue: 'true', order: 'deadline' }),
      list({ region, status: 'reported', overdue: 'false', order: 'deadline' }),
      list({ region, status: 'rectifying', overdue: 'false', order: 'deadline' }),
      list({ region, status: 'rectified' }),
      list({ region, listed: 'true' }),
      // 五落实缺项 as the server judges it from the history (the ledger's filter)
      list({ region, planMissing: 'true' }),
    ]);
    const mine = levelOf(region);
    const due = [...reported, ...rectifying].filter((h) => h.deadline && h.deadline <= soon).sort((a, b) => (a.deadline! < b.deadline! ? -1 : 1));
    groups.value = {
      overdue,
      dueSoon: due,
      acceptance: rectified.filter((h) => actionsFor(h, me).includes('accept')),
      listedAbove: listed.filter((h) => h.listedBy && LISTING_LEVELS.indexOf(h.listedBy) < LISTING_LEVELS.indexOf(mine)),
      planMissing,
    };
    loading.value = false;
  }
  return { groups, loading, load };
}
