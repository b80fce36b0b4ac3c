/**
 * The live list of new major hazards: pushed by `hazard:reported:batch` (or `hazard:reported`), seeded (and gap-filled after a reconnect)
 * from the newest majors over REST. Bounded: the newest TICKER_MAX items, deduplicated by id.
 */
import { ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import { HazardReportedSchema, type Hazard, type HazardReported } from '../../shared/schemas';
import type { SocketPort } from '../socket';
import { api } from '../lib/api';
import { animationFrames, perFrame, type PerFrame, type Schedule } from '../lib/frame';

export const TICKER_MAX = 50;

export type TickerItem = HazardReported & {
  /** When it was reported (server clock, ms): the ticker's order. */
  at: number;
  /** Arrived live on this screen (highlighted), rather than loaded as history. */
  live: boolean;
};

/**
 * Merges items into a list: newest first, one per id, at most `max`. A newer copy of an item replaces the older one,
 * except that an item that arrived live stays live (and keeps its arrival time): a history re-seed after a reconnect
 * must not drop the highlight of a hazard that just came in. Pure, for tests.
 */
export function mergeTicker(list: readonly TickerItem[], add: readonly TickerItem[], max = TICKER_MAX): TickerItem[] {
  const byId = new Map<string, TickerItem>();
  for (const it of [...add, ...list]) {
    const seen = byId.get(it.id);
    if (!seen) byId.set(it.id, it);
    else if (it.live && !seen.live) byId.set(it.id, { ...seen, live: true, at: it.at });
  }
  return [...byId.values()].sort((a, b) => b.at - a.at).slice(0, max);
}

export const fromHazard = (h: Hazard): TickerItem => ({
  id: h.id, regionCode: h.regionCode, sector: h.sector, level: h.level, title: h.title, discoveredAt: h.discoveredAt,
  at: Date.parse(h.reportedAt) || Date.parse(h.discoveredAt) || 0,
  live: false,
});

export const useTickerStore = defineStore('ticker', () => {
  const items = shallowRef<TickerItem[]>([]);
  const received = ref(0);
  let port: SocketPort | null = null;
  let scope: string | null = null;
  let now: () => number = Date.now;
  /**
   * What arrived since the last frame, merged into the list once a frame: an import of thousands of major hazards
   * sends thousands of events a second, and a new list for each made the wall re-render its ticker for every one.
   * Bounded: never more than the TICKER_MAX newest are kept waiting.
   */
  let pending: TickerItem[] = [];
  const merge = (add: TickerItem[]): void => {
    pending = [];
    items.value = mergeTicker(items.value, add);
  };
  let frames: PerFrame<TickerItem[]> = perFrame(merge);

  /**
   * A live item's `at` is its arrival time, strictly after the one before: a batch (or a burst of events) arrives
   * within one millisecond, and with equal times the list's sort would keep the oldest of them on top.
   */
  let lastLiveAt = -Infinity;
  const onReported = (raw: unknown): void => {
    const parsed = HazardReportedSchema.safeParse(raw);
    if (!parsed.success || parsed.data.level !== 'major') return;
    received.value += 1;
    const t = now();
    lastLiveAt = t > lastLiveAt ? t : lastLiveAt + 0.001;
    pending.push({ ...parsed.data, at: lastLiveAt, live: true });
    if (pending.length >= 2 * TICKER_MAX) pending = mergeTicker([], pending);
    frames.push(pending);
  };

  /** what the app's socket asks for (client/socket.ts); a node from before batches sends the per-item event instead */
  const onBatch = (raw: unknown): void => {
    const hazards = typeof raw === 'object' && raw !== null ? (raw as { hazards?: unknown }).hazards : undefined;
    if (Array.isArray(hazards)) for (const h of hazards) onReported(h);
  };

  let seeded = false;

  /**
   * Loads the newest majors of the scope. The first load is history (not highlighted); a later load is the gap-fill
   * after a reconnect, and what it brings that this screen has not shown arrived while it was away: that is highlighted.
   */
  async function seed(): Promise<void> {
    if (!scope) return;
    try {
      const page = await api.recentMajor(scope, 20);
      const known = new Set(items.value.map((i) => i.id));
      const fresh = page.items.filter((h) => h.level === 'major').map(fromHazard)
        .map((i) => (seeded && !known.has(i.id) ? { ...i, live: true } : i));
      items.value = mergeTicker(items.value, fresh);
      seeded = true;
    } catch {
      // The socket keeps the list live; history is best effort and retried on the next reconnect.
    }
  }

  const onConnect = (): void => { void seed(); };

  /** `frames`: when what arrived is merged into the list (tests pass their own) */
  function bind(p: SocketPort, region: string, clock: () => number = Date.now, schedule: Schedule = animationFrames): void {
    if (port) return;
    port = p;
    scope = region;
    now = clock;
    frames = perFrame(merge, schedule);
    p.on('hazard:reported', onReported);
    p.on('hazard:reported:batch', onBatch);
    p.on('connect', onConnect);
    if (p.connected) onConnect();
  }

  function unbind(): void {
    if (!port) return;
    port.off('hazard:reported', onReported);
    port.off('hazard:reported:batch', onBatch);
    port.off('connect', onConnect);
    port = null;
    frames.cancel();
    pending = [];
  }

  return { items, received, bind, unbind, seed };
});
