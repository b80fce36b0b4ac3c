/**
 * Signs of blind spots and concealment (docs/DOMAIN.md "Flags"): each flag names the rule that fired and carries
 * the figures it fired on. They flag, never accuse: the messages ask for a check.
 */
import { SOURCE_CODES } from './domain';
import { childrenOf, getRegion } from './regions';
import { heavySectors } from './regions/economy';
import { addDays, startOfDay, DEFAULT_TZ } from './time';
import type { Closure, Extended, Flag, FlagRule } from './briefing';
import { childOf, medianHours, type Acc, type PeriodAcc } from './briefing-count';

export const RULES = {
  /** 企业自查 should be the main channel in the campaign: below this share of new hazards is a sign */
  selfCheckMinShare: 0.2,
  /** above this share of new hazards found by upper-level spot checks (督查暗访), local checks miss things */
  spotCheckMaxShare: 0.3,
  /** share rules need this many new hazards in the unit, or one odd report decides */
  minSample: 20,
  /** closure of the period's new hazards at or above this share … */
  fastClosureShare: 0.95,
  /** … with a median time from discovery to close-out under this many hours */
  fastClosureHours: 24,
  fastClosureMinSample: 10,
  /** a source that sent at least this many in the previous period and none in this one has gone silent */
  silentMinPrevious: 5,
  /** a unit reporting less than this share of the median of its peers (the other children) reports suspiciously few … */
  fewReportsShare: 0.2,
  /** … when that median is at least this many */
  fewReportsMinMedian: 10,
  /** at or above this share of one source's reports found false (经核查不属实（含重复）) … */
  rejectedMaxShare: 0.3,
  /** … out of at least this many reports from that source */
  rejectedMinSample: 10,
  /** a hazard whose deadline was extended this many times or more, once at least in the period */
  repeatedExtensions: 2,
  /** at most this many per-hazard flags are listed (the most extended first) */
  maxExtensionFlags: 20,
} as const;

export type RawFlag = Omit<Flag, 'message'>;

const round1 = (x: number): number => Math.round(x * 10) / 10;

type Unit = { code: string; cur: Acc; prev: Acc; closures: Closure[] };

function shareFlags(u: Unit): RawFlag[] {
  const out: RawFlag[] = [];
  const n = u.cur.new;
  if (n < RULES.minSample) return out;
  const self = u.cur.bySource.self_check ?? 0;
  if (self / n < RULES.selfCheckMinShare) {
    out.push({ rule: 'low_self_check', region: u.code, source: 'self_check', numbers: { selfCheck: self, new: n, share: self / n, threshold: RULES.selfCheckMinShare } });
  }
  const spot = u.cur.bySource.spot_check ?? 0;
  if (spot / n >= RULES.spotCheckMaxShare) {
    out.push({ rule: 'spot_check_high', region: u.code, source: 'spot_check', numbers: { spotCheck: spot, new: n, share: spot / n, threshold: RULES.spotCheckMaxShare } });
  }
  // a coal city with no coal hazard: the sector most likely to hide one
  for (const sector of heavySectors(u.code)) {
    if ((u.cur.bySector[sector] ?? 0) === 0) {
      out.push({ rule: 'sector_absent', region: u.code, sector, numbers: { sectorNew: 0, new: n, minSample: RULES.minSample } });
    }
  }
  return out;
}

/** Rejection hides a hazard from every count: a source whose reports are often found false is worth a look. */
function rejectedFlags(u: Unit): RawFlag[] {
  return SOURCE_CODES.flatMap((s): RawFlag[] => {
    const rejected = u.cur.rejectedBySource[s] ?? 0;
    const reported = rejected + (u.cur.bySource[s] ?? 0);
    if (reported < RULES.rejectedMinSample || rejected / reported < RULES.rejectedMaxShare) return [];
    return [{ rule: 'rejected_high', region: u.code, source: s, numbers: { rejected, reported, share: rejected / reported, threshold: RULES.rejectedMaxShare } }];
  });
}

function closureFlag(u: Unit): RawFlag[] {
  const n = u.cur.new;
  const closed = u.cur.newClosed;
  // the times are read only where the share can flag (a store of per-day counts lists the closures of those units alone)
  if (n < RULES.fastClosureMinSample || closed / n < RULES.fastClosureShare) return [];
  const median = medianHours(u.closures);
  if (median === null || median >= RULES.fastClosureHours) return [];
  return [{
    rule: 'fast_closure', region: u.code,
    numbers: { new: n, closed, share: closed / n, medianHours: round1(median), shareThreshold: RULES.fastClosureShare, hoursThreshold: RULES.fastClosureHours },
  }];
}

function silentFlags(u: Unit, skip: ReadonlySet<string>): RawFlag[] {
  return SOURCE_CODES.filter((s) => !skip.has(s)).flatMap((s): RawFlag[] => {
    const before = u.prev.bySource[s] ?? 0;
    const now = u.cur.bySource[s] ?? 0;
    return before >= RULES.silentMinPrevious && now === 0
      ? [{ rule: 'source_silent', region: u.code, source: s, numbers: { previous: before, current: now } }]
      : [];
  });
}

/** Children that reported something, but far less than the median of all children (zeros included). */
function fewFlags(children: readonly Unit[]): RawFlag[] {
  const sorted = children.map((u) => u.cur.new).sort((a, b) => a - b);
  if (!sorted.length) return [];
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  if (median < RULES.fewReportsMinMedian) return [];
  return children
    .filter((u) => u.cur.new > 0 && u.cur.new < median * RULES.fewReportsShare)
    .map((u) => ({ rule: 'few_reports', region: u.code, numbers: { new: u.cur.new, peerMedian: median, share: u.cur.new / median, threshold: RULES.fewReportsShare } }));
}

/** Counties of a city with no report in the period, for the province's briefing (one flag per city). */
function countyBlindSpots(city: string, cur: PeriodAcc): RawFlag[] {
  const counties = childrenOf(city);
  const silent = counties.filter((c) => (cur.byCounty.get(c.code) ?? 0) === 0).map((c) => c.code);
  if (!silent.length) return [];
  return [{ rule: 'blind_spot_counties', region: city, regions: silent, numbers: { counties: silent.length, of: counties.length } }];
}

/** Hazards extended again and again: a deadline that keeps moving is a fix that is not happening. */
export function extensionFlags(extended: readonly Extended[], from: string, to: string, tz: string = DEFAULT_TZ): RawFlag[] {
  const start = startOfDay(from, tz);
  const end = startOfDay(addDays(to, 1), tz);
  const hits = extended.flatMap((h) => {
    const times = h.at.map((a) => Date.parse(a)).filter((t) => t < end);
    const inPeriod = times.filter((t) => t >= start).length;
    return times.length >= RULES.repeatedExtensions && inPeriod > 0 ? [{ h, n: times.length, inPeriod }] : [];
  });
  return hits.sort((a, b) => b.n - a.n || a.h.id.localeCompare(b.h.id)).slice(0, RULES.maxExtensionFlags)
    .map(({ h, n, inPeriod }) => ({
      rule: 'repeated_extension', region: h.regionCode, sector: h.sector, hazardId: h.id,
      numbers: { extensions: n, inPeriod, threshold: RULES.repeatedExtensions },
    }));
}

const ORDER: Record<FlagRule, number> = {
  blind_spot: 0, blind_spot_counties: 1, sector_absent: 2, few_reports: 3, spot_check_high: 4, low_self_check: 5,
  rejected_high: 6, fast_closure: 7, source_silent: 8, repeated_extension: 9,
};

export type FlagInput = { region: string; cur: PeriodAcc; prev: PeriodAcc; closures: readonly Closure[]; extended: readonly Extended[]; from: string; to: string; tz?: string };

export function computeFlags(i: FlagInput): RawFlag[] {
  const { region, cur, prev, closures } = i;
  const closuresOf = (code: string) => (code === region ? [...closures] : closures.filter((c) => childOf(region, c.regionCode) === code));
  const units: Unit[] = [{ code: region, cur: cur.total, prev: prev.total, closures: closuresOf(region) }];
  for (const [code, acc] of cur.byChild) units.push({ code, cur: acc, prev: prev.byChild.get(code)!, closures: closuresOf(code) });
  const flags: RawFlag[] = [];
  const blind = (u: Unit) => u.cur.new === 0;
  // blind spots are the children with nothing (a county has no children: then the region itself)
  const blindUnits = cur.byChild.size ? units.slice(1) : units;
  for (const u of blindUnits.filter(blind)) {
    flags.push({ rule: 'blind_spot', region: u.code, numbers: { new: 0, previousNew: u.prev.new } });
  }
  if (getRegion(region)?.level === 'province') {
    for (const u of units.slice(1)) if (!blind(u)) flags.push(...countyBlindSpots(u.code, cur));
  }
  flags.push(...fewFlags(units.slice(1)));
  // a source silent across the whole region is one flag, not one per child
  const silentEverywhere = new Set<string>();
  for (const u of units) {
    if (blind(u)) continue;
    const silent = silentFlags(u, silentEverywhere);
    if (u.code === region) for (const f of silent) silentEverywhere.add(f.source!);
    flags.push(...shareFlags(u), ...rejectedFlags(u), ...closureFlag(u), ...silent);
  }
  flags.push(...extensionFlags(i.extended, i.from, i.to, i.tz));
  return flags.sort((a, b) => ORDER[a.rule] - ORDER[b.rule] || (a.region ?? '').localeCompare(b.region ?? ''));
}
