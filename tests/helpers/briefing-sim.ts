/**
 * Simulated hazards with their histories, for the briefing tests: the PeriodFacts a store would return for
 * them (the SQL semantics, written plainly), and an independent per-hazard count of what a briefing must say.
 */
import { SECTOR_CODES, SOURCE_CODES, isOpen, type Level, type Sector, type Source, type Status } from '../../shared/domain';
import type { Briefing, Lang, PeriodCounts, PeriodFacts, StateFacts } from '../../shared/briefing';
import { buildBriefing } from '../../shared/briefing-build';
import { previousPeriod, yearAgoPeriod, type Period } from '../../shared/briefing-period';
import { childOf } from '../../shared/briefing';
import { ALL_REGIONS, isWithin } from '../../shared/regions';
import { addDays, dayOf, startOfDay } from '../../shared/time';
import type { rng } from './hazards';

export type SimEvent = { at: number; to?: Status; deadline?: string };
export type SimHazard = {
  id: string; regionCode: string; sector: Sector; level: Level; source: Source;
  discoveredAt: number; deadline: string | null; events: SimEvent[];
};

const DAY = 86_400_000;
const REPORTABLE = ALL_REGIONS.filter((r) => r.level !== 'province').map((r) => r.code);

/** A lawful random history: moves at increasing times after discovery, some deadline extensions. */
export function simHazard(r: ReturnType<typeof rng>, i: number, now: number, over: Partial<SimHazard> = {}, extensions = true): SimHazard {
  const discoveredAt = now - r.int(70 * DAY);
  const level: Level = r.next() < 0.25 ? 'major' : 'general';
  const deadline = dayOf(discoveredAt + r.int(30) * DAY);
  const h: SimHazard = {
    id: `S-${i}`, regionCode: r.pick(REPORTABLE), sector: r.pick(SECTOR_CODES), level, source: r.pick(SOURCE_CODES),
    discoveredAt, deadline: level === 'major' || r.next() < 0.8 ? deadline : null, events: [], ...over,
  };
  let status: Status = 'reported';
  let t = h.discoveredAt;
  for (let k = 0; k < 5; k++) {
    t += r.int(12 * DAY) + 60_000;
    if (t > now || r.next() < 0.2) break;
    if (extensions && r.next() < 0.15 && isOpen(status)) {
      h.events.push({ at: t, deadline: dayOf(t + (5 + r.int(20)) * DAY) });
      continue;
    }
    const next: Status[] = status === 'reported' ? ['rectifying', 'rectifying', ...(h.level === 'general' ? ['rectified' as const] : []), 'rejected']
      : status === 'rectifying' ? ['rectified'] : status === 'rectified' ? ['closed', 'closed', 'rectifying'] : [];
    if (!next.length) break;
    status = r.pick(next);
    h.events.push({ at: t, to: status });
  }
  return h;
}

/** State after every event before `end` (a plain replay in time order). */
export function simStateAt(h: SimHazard, end: number): StateFacts {
  let s: StateFacts = { status: 'reported', level: h.level, deadline: h.deadline };
  for (const e of h.events) {
    if (e.at >= end) break;
    s = { ...s, ...(e.to ? { status: e.to } : {}), ...(e.deadline ? { deadline: e.deadline } : {}) };
  }
  return s;
}

const finalStatus = (h: SimHazard): Status => simStateAt(h, Infinity).status;
const closedAt = (h: SimHazard): number | null => h.events.find((e) => e.to === 'closed')?.at ?? null;

/** What the store returns for a period (mirrors server/hazards/briefing-sql.ts). */
export function simFacts(all: readonly SimHazard[], region: string, from: string, to: string, tz = 'Asia/Shanghai'): PeriodFacts {
  const hs = all.filter((h) => isWithin(h.regionCode, region) && finalStatus(h) !== 'rejected');
  const days = new Map<SimHazard, [string, string | null]>();
  for (const h of hs) days.set(h, [dayOf(h.discoveredAt, tz), closedAt(h) === null ? null : dayOf(closedAt(h)!, tz)]);
  const dd = (h: SimHazard) => days.get(h)![0];
  const cd = (h: SimHazard) => days.get(h)![1];
  const group = <K extends string>(list: SimHazard[], key: (h: SimHazard) => Record<K, string>) => {
    const m = new Map<string, Record<K, string> & { n: number }>();
    for (const h of list) {
      const k = key(h);
      const id = JSON.stringify(k);
      const row = m.get(id) ?? { ...k, n: 0 };
      row.n++;
      m.set(id, row);
    }
    return [...m.values()] as any[];
  };
  const rs = (h: SimHazard) => ({ regionCode: h.regionCode, sector: h.sector });
  const unsettled = hs.filter((h) => dd(h) <= to && (cd(h) === null || cd(h)! > to));
  return {
    from, to,
    discovered: group(hs.filter((h) => dd(h) >= from && dd(h) <= to), (h) => ({ ...rs(h), source: h.source, level: h.level })),
    closed: group(hs.filter((h) => cd(h) !== null && cd(h)! >= from && cd(h)! <= to), rs),
    onBooks: group(hs.filter((h) => dd(h) <= to), rs),
    closedBy: group(hs.filter((h) => cd(h) !== null && cd(h)! <= to), rs),
    unsettled: unsettled.map((h) => {
      let prev = simStateAt(h, h.discoveredAt + 1);
      const changes = h.events.map((e, seq) => {
        const after = simStateAt(h, e.at + 1);
        const c = { seq, at: new Date(e.at).toISOString(), before: prev, after };
        prev = after;
        return c;
      });
      return { id: h.id, regionCode: h.regionCode, sector: h.sector, current: simStateAt(h, Infinity), changes };
    }),
    closures: hs.filter((h) => dd(h) >= from && dd(h) <= to && cd(h) !== null && cd(h)! <= to)
      .map((h) => ({ regionCode: h.regionCode, discoveredAt: new Date(h.discoveredAt).toISOString(), closedAt: new Date(closedAt(h)!).toISOString() })),
  };
}

/** The independent count: each hazard asked directly what it was in the period. */
export function expectedCounts(all: readonly SimHazard[], region: string, from: string, to: string, keep: (h: SimHazard) => boolean = () => true, tz = 'Asia/Shanghai'): PeriodCounts {
  const end = startOfDay(addDays(to, 1), tz);
  const c = { new: 0, newMajor: 0, closed: 0, open: 0, overdue: 0 };
  let books = 0;
  let closedBy = 0;
  for (const h of all) {
    if (!isWithin(h.regionCode, region) || !keep(h) || finalStatus(h) === 'rejected') continue;
    const d = dayOf(h.discoveredAt, tz);
    const cl = closedAt(h);
    if (d >= from && d <= to) {
      c.new++;
      if (h.level === 'major') c.newMajor++;
    }
    if (cl !== null && dayOf(cl, tz) >= from && dayOf(cl, tz) <= to) c.closed++;
    if (h.discoveredAt >= end) continue;
    books++;
    if (cl !== null && cl < end) closedBy++;
    const s = simStateAt(h, end);
    if (isOpen(s.status)) {
      c.open++;
      if (s.deadline !== null && s.deadline < to) c.overdue++;
    }
  }
  return { ...c, rectificationRate: books ? closedBy / books : 0 };
}

export const inChild = (region: string, child: string) => (h: SimHazard) => childOf(region, h.regionCode) === child;

/** A briefing over simulated hazards, as the service would build it from a store holding them. */
export function simBriefing(all: readonly SimHazard[], region: string, period: Period, lang: Lang = 'zh', now = Date.now()): Briefing {
  const prev = previousPeriod(period);
  const ago = yearAgoPeriod(period);
  return buildBriefing({
    region, lang, tz: 'Asia/Shanghai', generatedAt: new Date(now).toISOString(),
    current: simFacts(all, region, period.from, period.to),
    previous: simFacts(all, region, prev.from, prev.to),
    yearAgo: simFacts(all, region, ago.from, ago.to),
    trend: { from: period.from, to: period.to, rows: [] },
  });
}
