/**
 * Simulated hazards with their histories, for the briefing tests: the PeriodFacts a store would return for
 * them (the SQL semantics, written plainly), and an independent per-hazard count of what a briefing must say.
 */
import { SECTOR_CODES, SOURCE_CODES, isOpen, type Level, type Sector, type Source, type Status } from '../../shared/domain';
import type { Briefing, GroupRow, Lang, PeriodCounts, PeriodFacts, StateFacts } from '../../shared/briefing';
import { buildBriefing } from '../../shared/briefing-build';
import { CAMPAIGN_START, previousPeriod, yearAgoPeriod, type Period } from '../../shared/briefing-period';
import { childOf } from '../../shared/briefing-count';
import { ALL_REGIONS, isWithin } from '../../shared/regions';
import { addDays, dayOf, startOfDay } from '../../shared/time';
import type { Mutation, StoredHazard } from '../../server/hazards/hazards.repository';
import type { rng } from './hazards';

export type SimEvent = { at: number; to?: Status; deadline?: string; level?: Level };

/** The chain store's mutation for a simulated event on the hazard as it stands (`cur`): what the workflow would decide. */
export function simMutation(e: SimEvent, cur: Pick<StoredHazard, 'closedAt' | 'extensions'>): Mutation {
  const at = new Date(e.at).toISOString();
  if (e.to) return { ok: true, kind: 'transition', at, data: { to: e.to }, next: { status: e.to, closedAt: e.to === 'closed' ? at : cur.closedAt } };
  if (e.level) return { ok: true, kind: 'escalation', at, data: { level: e.level }, next: { level: e.level } };
  return { ok: true, kind: 'extension', at, data: { deadline: e.deadline }, next: { deadline: e.deadline!, extensions: cur.extensions + 1 } };
}
export type SimHazard = {
  id: string; regionCode: string; sector: Sector; level: Level; source: Source;
  discoveredAt: number; deadline: string | null; events: SimEvent[];
  /** listed for supervision (挂牌督办) by whom, at which moment */
  listedBy?: 'province' | 'city'; listedAt?: number;
};

const DAY = 86_400_000;
const REPORTABLE = ALL_REGIONS.filter((r) => r.level !== 'province').map((r) => r.code);

/** A lawful random history: moves at increasing times after discovery, some deadline extensions and level changes. */
export function simHazard(r: ReturnType<typeof rng>, i: number, now: number, over: Partial<SimHazard> = {}, extensions = true, levels = true): SimHazard {
  const discoveredAt = now - r.int(70 * DAY);
  const level: Level = r.next() < 0.25 ? 'major' : 'general';
  const deadline = dayOf(discoveredAt + r.int(30) * DAY);
  const h: SimHazard = {
    id: `S-${i}`, regionCode: r.pick(REPORTABLE), sector: r.pick(SECTOR_CODES), level, source: r.pick(SOURCE_CODES),
    discoveredAt, deadline: level === 'major' || r.next() < 0.8 ? deadline : null, events: [], ...over,
  };
  let status: Status = 'reported';
  let lvl = h.level;
  let t = h.discoveredAt;
  for (let k = 0; k < 6; k++) {
    t += r.int(12 * DAY) + 60_000;
    if (t > now || r.next() < 0.2) break;
    if (extensions && r.next() < 0.15 && isOpen(status)) {
      h.events.push({ at: t, deadline: dayOf(t + (5 + r.int(20)) * DAY) });
      continue;
    }
    // escalation while open, and now and then a downgrade (with a note, in the real API)
    if (levels && r.next() < 0.12 && isOpen(status)) {
      lvl = lvl === 'major' ? 'general' : 'major';
      h.events.push({ at: t, level: lvl });
      continue;
    }
    const next: Status[] = status === 'reported' ? ['rectifying', 'rectifying', ...(lvl === 'general' ? ['rectified' as const] : []), 'rejected']
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
    s = { ...s, ...(e.to ? { status: e.to } : {}), ...(e.deadline ? { deadline: e.deadline } : {}), ...(e.level ? { level: e.level } : {}) };
  }
  return s;
}

const finalState = (h: SimHazard): StateFacts => simStateAt(h, Infinity);
const finalStatus = (h: SimHazard): Status => finalState(h).status;
const closedAt = (h: SimHazard): number | null => h.events.find((e) => e.to === 'closed')?.at ?? null;

type Key = { regionCode: string; sector: Sector; source: Source; level: Level };
function group(list: readonly SimHazard[]): GroupRow[] {
  const m = new Map<string, GroupRow>();
  for (const h of list) {
    const k: Key = { regionCode: h.regionCode, sector: h.sector, source: h.source, level: finalState(h).level };
    const id = JSON.stringify(k);
    const row = m.get(id) ?? { ...k, n: 0 };
    row.n++;
    m.set(id, row);
  }
  return [...m.values()];
}

/** What the store returns for a period (mirrors server/hazards/briefing-sql.ts). */
export function simFacts(all: readonly SimHazard[], region: string, from: string, to: string, tz = 'Asia/Shanghai'): PeriodFacts {
  const scoped = all.filter((h) => isWithin(h.regionCode, region));
  const hs = scoped.filter((h) => finalStatus(h) !== 'rejected');
  const dd = (h: SimHazard) => dayOf(h.discoveredAt, tz);
  const cd = (h: SimHazard) => (closedAt(h) === null ? null : dayOf(closedAt(h)!, tz));
  const inPeriod = (h: SimHazard) => dd(h) >= from && dd(h) <= to;
  const unsettled = hs.filter((h) => dd(h) <= to && (cd(h) === null || cd(h)! > to));
  // the province's listings recorded in the period, whenever the hazard was discovered
  const listed = hs.filter((h) => h.listedBy === 'province' && h.listedAt !== undefined && dayOf(h.listedAt, tz) >= from && dayOf(h.listedAt, tz) <= to);
  return {
    from, to,
    discovered: group(hs.filter(inPeriod)),
    closed: group(hs.filter((h) => cd(h) !== null && cd(h)! >= from && cd(h)! <= to)),
    closedBy: group(hs.filter((h) => cd(h) !== null && cd(h)! <= to)),
    rejected: group(scoped.filter((h) => inPeriod(h) && finalStatus(h) === 'rejected')),
    unsettled: unsettled.map((h) => ({
      id: h.id, regionCode: h.regionCode, sector: h.sector, source: h.source, discoveredDay: dd(h), current: finalState(h), changes: simChanges(h),
    })),
    closures: hs.filter((h) => inPeriod(h) && cd(h) !== null && cd(h)! <= to).map((h) => ({
      regionCode: h.regionCode, sector: h.sector, source: h.source, level: finalState(h).level,
      discoveredAt: new Date(h.discoveredAt).toISOString(), closedAt: new Date(closedAt(h)!).toISOString(),
    })),
    extended: hs.filter((h) => dd(h) <= to && (cd(h) === null || cd(h)! >= from) && h.events.filter((e) => e.deadline).length >= 2)
      .map((h) => ({ id: h.id, regionCode: h.regionCode, sector: h.sector, at: h.events.filter((e) => e.deadline).map((e) => new Date(e.at).toISOString()) })),
    provinceListed: { listed: listed.length, closed: listed.filter((h) => cd(h) !== null && cd(h)! <= to).length },
  };
}

const ratio = (a: number, b: number) => (b ? a / b : 0);

/** The independent count: each hazard asked directly what it was at the end of the period. */
export function expectedCounts(all: readonly SimHazard[], region: string, from: string, to: string, keep: (h: SimHazard) => boolean = () => true, tz = 'Asia/Shanghai'): PeriodCounts {
  const end = startOfDay(addDays(to, 1), tz);
  const c = {
    new: 0, newMajor: 0, closed: 0, open: 0, overdue: 0, total: 0, major: 0, rectified: 0, majorRectified: 0,
    closedToDate: 0, majorClosedToDate: 0, newRectified: 0, newMajorRectified: 0, rejected: 0,
  };
  for (const h of all) {
    if (!isWithin(h.regionCode, region) || !keep(h)) continue;
    const d = dayOf(h.discoveredAt, tz);
    const isNew = d >= from && d <= to;
    if (finalStatus(h) === 'rejected') {
      if (isNew) c.rejected++;
      continue;
    }
    const cl = closedAt(h);
    if (cl !== null && dayOf(cl, tz) >= from && dayOf(cl, tz) <= to) c.closed++;
    if (h.discoveredAt >= end) continue;
    const s = simStateAt(h, end);
    const major = s.level === 'major';
    const done = s.status === 'rectified' || s.status === 'closed';
    c.total++;
    if (major) c.major++;
    if (isNew) {
      c.new++;
      if (major) c.newMajor++;
      if (done) c.newRectified++;
      if (done && major) c.newMajorRectified++;
    }
    if (s.status === 'rectified') {
      c.rectified++;
      if (major) c.majorRectified++;
    }
    if (s.status === 'closed') {
      c.closedToDate++;
      if (major) c.majorClosedToDate++;
    }
    if (isOpen(s.status)) {
      c.open++;
      if (s.deadline !== null && s.deadline < to) c.overdue++;
    }
  }
  return {
    ...c,
    rectificationRate: ratio(c.closedToDate, c.total),
    rectifiedRate: ratio(c.rectified + c.closedToDate, c.total),
    closeOutRate: ratio(c.closedToDate, c.total),
    majorRectifiedRate: ratio(c.majorRectified + c.majorClosedToDate, c.major),
    majorCloseOutRate: ratio(c.majorClosedToDate, c.major),
  };
}

export const inChild = (region: string, child: string) => (h: SimHazard) => childOf(region, h.regionCode) === child;

/** A briefing over simulated hazards, as the service would build it from a store holding them. */
export function simBriefing(all: readonly SimHazard[], region: string, period: Period, lang: Lang = 'zh', now = Date.now()): Briefing {
  const prev = previousPeriod(period);
  const ago = yearAgoPeriod(period);
  const campaignFrom = CAMPAIGN_START <= period.to ? CAMPAIGN_START : period.to;
  return buildBriefing({
    region, lang, tz: 'Asia/Shanghai', generatedAt: new Date(now).toISOString(),
    current: simFacts(all, region, period.from, period.to),
    previous: simFacts(all, region, prev.from, prev.to),
    yearAgo: simFacts(all, region, ago.from, ago.to),
    campaign: simFacts(all, region, campaignFrom, period.to),
    trend: { from: period.from, to: period.to, rows: [] },
  });
}

/** The history as the store keeps it: the state before and after each change after `reported`, in order. */
export function simChanges(h: SimHazard) {
  let prev = simStateAt(h, h.discoveredAt + 1);
  return h.events.map((e, seq) => {
    const after = simStateAt(h, e.at + 1);
    const c = { seq, at: new Date(e.at).toISOString(), before: prev, after };
    prev = after;
    return c;
  });
}
