/**
 * Signs of blind spots and concealment (DOMAIN.md): each flag names the rule that fired and carries the
 * figures it fired on. They flag, never accuse: the messages ask for a check.
 */
import { SOURCE_CODES } from './domain';
import { childrenOf, getRegion } from './regions';
import { childOf, medianHours, type Acc, type Closure, type Flag, type FlagRule, type PeriodAcc } from './briefing';

export const RULES = {
  /** 企业自查 should be the main channel in the campaign: below this share of new hazards is a sign */
  selfCheckMinShare: 0.2,
  /** above this share of new hazards found by upper-level spot checks (上级督查暗访), local checks miss things */
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
  return out;
}

function closureFlag(u: Unit): RawFlag[] {
  const n = u.cur.new;
  const closed = u.closures.length;
  const median = medianHours(u.closures);
  if (n < RULES.fastClosureMinSample || median === null || closed / n < RULES.fastClosureShare || median >= RULES.fastClosureHours) return [];
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

/** Counties of a city with no report in the period, for the province's briefing (one flag per city). */
function countyBlindSpots(city: string, cur: PeriodAcc): RawFlag[] {
  const counties = childrenOf(city);
  const silent = counties.filter((c) => (cur.byCounty.get(c.code) ?? 0) === 0).map((c) => c.code);
  if (!silent.length) return [];
  return [{ rule: 'blind_spot_counties', region: city, regions: silent, numbers: { counties: silent.length, of: counties.length } }];
}

const ORDER: Record<FlagRule, number> = {
  blind_spot: 0, blind_spot_counties: 1, spot_check_high: 2, low_self_check: 3, fast_closure: 4, source_silent: 5,
};

export function computeFlags(region: string, cur: PeriodAcc, prev: PeriodAcc, closures: readonly Closure[]): RawFlag[] {
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
  // a source silent across the whole region is one flag, not one per child
  const silentEverywhere = new Set<string>();
  for (const u of units) {
    if (blind(u)) continue;
    const silent = silentFlags(u, silentEverywhere);
    if (u.code === region) for (const f of silent) silentEverywhere.add(f.source!);
    flags.push(...shareFlags(u), ...closureFlag(u), ...silent);
  }
  return flags.sort((a, b) => ORDER[a.rule] - ORDER[b.rule] || (a.region ?? '').localeCompare(b.region ?? ''));
}
