/**
 * The leadership briefing (CONTRACT.md "Briefing") as pure functions over what the store returns for a
 * period (PeriodFacts), so every number can be checked against an independent count in a unit test.
 *
 * How hazards are counted:
 * - A rejected hazard (核实不属实/重复) never was a hazard: it is left out of every number, whenever it was
 *   rejected (the same rule as the summary's `total` and the trend).
 * - `new`, `newMajor`: discovered in the period (discovered_day in TZ_REGION). The level is the current one, as
 *   in the trend: a hazard raised to major later counts as a major one discovered then.
 * - `closed`: closed (销号) in the period. Closing is final, so closed_day alone says when.
 * - `open`, `overdue`: as at the end of the period's last day, replayed from the change history (the last change
 *   recorded with `at` before that moment). Rectified-but-not-closed (待验收) is neither open nor closed, as in the
 *   summary; a failed acceptance (rectified → rectifying) makes it open again from that moment. Overdue: open
 *   with a deadline before the last day — what the wall showed at the end of that day.
 * - `rectificationRate`: closed by the end of the period ÷ every hazard discovered by then.
 */
import { z } from 'zod';
import { SECTOR_CODES, SOURCE_CODES, isOpen, type Level, type Sector, type Source, type Status } from './domain';
import { childrenOf, cityOf, getRegion } from './regions';
import { addDays, startOfDay, DEFAULT_TZ } from './time';
import type { Period } from './briefing-period';

export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export const PeriodCountsSchema = z.object({
  new: z.number(), newMajor: z.number(), closed: z.number(), open: z.number(), overdue: z.number(),
  rectificationRate: z.number(),
});
export type PeriodCounts = z.infer<typeof PeriodCountsSchema>;
export const PERIOD_KEYS = ['new', 'newMajor', 'closed', 'open', 'overdue', 'rectificationRate'] as const;

const PeriodSchema = z.object({ from: z.string(), to: z.string() });
/** current − other for each key; `pct` is the change ÷ the other (null when the other is 0). */
export const ChangeSchema = z.record(z.enum(PERIOD_KEYS), z.object({ diff: z.number(), pct: z.number().nullable() }));
export type Change = z.infer<typeof ChangeSchema>;

export const FLAG_RULES = ['blind_spot', 'blind_spot_counties', 'spot_check_high', 'low_self_check', 'fast_closure', 'source_silent'] as const;
export type FlagRule = (typeof FLAG_RULES)[number];
export const FlagSchema = z.object({
  rule: z.enum(FLAG_RULES),
  region: z.string().optional(),
  sector: z.string().optional(),
  source: z.string().optional(),
  /** the regions a grouped flag is about (the silent counties of a city) */
  regions: z.array(z.string()).optional(),
  message: z.string(),
  /** the figures the rule fired on (shares 0..1, hours, counts, thresholds) */
  numbers: z.record(z.string(), z.number()),
});
export type Flag = z.infer<typeof FlagSchema>;

export const DailySchema = z.object({ day: z.string(), new: z.number(), newMajor: z.number(), closed: z.number() });

export const BriefingSchema = z.object({
  region: z.string(),
  name: z.string(),
  lang: z.enum(LANGS),
  period: PeriodSchema,
  periodDays: z.number(),
  previousPeriod: PeriodSchema,
  yearAgoPeriod: PeriodSchema,
  current: PeriodCountsSchema,
  previous: PeriodCountsSchema,
  /** 同比: null when the store holds nothing discovered by the end of the year-ago period */
  yearAgo: PeriodCountsSchema.nullable(),
  change: z.object({ previous: ChangeSchema, yearAgo: ChangeSchema.nullable() }),
  byRegion: z.record(z.string(), PeriodCountsSchema),
  bySector: z.record(z.string(), PeriodCountsSchema),
  /** new in the period by source (企业自查, 上级督查暗访, …), every source */
  bySource: z.record(z.string(), z.number()),
  /** a city's hazards reported against the city code, in no county (未落到区县); null for the province and counties */
  unassigned: PeriodCountsSchema.nullable(),
  trend: z.object({ from: z.string(), to: z.string(), days: z.array(DailySchema) }),
  flags: z.array(FlagSchema),
  thresholds: z.record(z.string(), z.number()),
  text: z.string(),
  generatedAt: z.string(),
});
export type Briefing = z.infer<typeof BriefingSchema>;

// ---- what the store returns for one period ------------------------------------------------------

export type CountRow = { regionCode: string; sector: Sector; n: number };
export type NewRow = CountRow & { source: Source; level: Level };
export type StateFacts = { status: Status; level: Level; deadline: string | null };
export type StateChange = { seq: number; at: string; before: StateFacts | null; after: StateFacts | null };
/** A hazard that may have been open at the end of the period, with its changes after `reported` in seq order. */
export type UnsettledHazard = { id: string; regionCode: string; sector: Sector; current: StateFacts; changes: StateChange[] };
export type Closure = { regionCode: string; discoveredAt: string; closedAt: string };

export type PeriodFacts = Period & {
  /** discovered in the period, not rejected; grouped */
  discovered: NewRow[];
  /** closed in the period */
  closed: CountRow[];
  /** discovered by the end of the period, not rejected */
  onBooks: CountRow[];
  /** closed by the end of the period */
  closedBy: CountRow[];
  /** discovered by the end of the period, not rejected, not closed by then */
  unsettled: UnsettledHazard[];
  /** discovered in the period and closed by its end: for the time-to-close */
  closures: Closure[];
};

/** The state of a hazard at `end` (ms): the last change (by seq) recorded as happening before it. */
export function stateAt(h: UnsettledHazard, end: number): StateFacts {
  let state: StateFacts | null = null;
  for (const c of h.changes) if (c.after && Date.parse(c.at) < end) state = c.after;
  return state ?? h.changes[0]?.before ?? h.current;
}

// ---- counting -----------------------------------------------------------------------------------

export type Acc = {
  new: number; newMajor: number; closed: number; open: number; overdue: number; onBooks: number; closedBy: number;
  bySource: Record<string, number>;
};
const emptyAcc = (): Acc => ({ new: 0, newMajor: 0, closed: 0, open: 0, overdue: 0, onBooks: 0, closedBy: 0, bySource: {} });

/** The child of `region` a hazard at `regionCode` counts in: a city of the province, a county of a city; '' for none. */
export function childOf(region: string, regionCode: string): string {
  const level = getRegion(region)?.level;
  if (level === 'province') return cityOf(regionCode) ?? '';
  if (level === 'city') return regionCode === region ? '' : regionCode;
  return '';
}

/** Accumulators of one period: the whole region, each child, each sector, and what is in no child. */
export type PeriodAcc = { total: Acc; byChild: Map<string, Acc>; bySector: Map<string, Acc>; unassigned: Acc; byCounty: Map<string, number> };

export function countPeriod(region: string, f: PeriodFacts, tz: string = DEFAULT_TZ): PeriodAcc {
  const out: PeriodAcc = { total: emptyAcc(), byChild: new Map(), bySector: new Map(), unassigned: emptyAcc(), byCounty: new Map() };
  for (const c of childrenOf(region)) out.byChild.set(c.code, emptyAcc());
  for (const s of SECTOR_CODES) out.bySector.set(s, emptyAcc());
  const targets = (regionCode: string, sector: string): Acc[] => {
    const child = childOf(region, regionCode);
    return [out.total, child ? out.byChild.get(child) ?? emptyAcc() : out.unassigned, out.bySector.get(sector) ?? emptyAcc()];
  };
  for (const r of f.discovered) {
    for (const a of targets(r.regionCode, r.sector)) {
      a.new += r.n;
      if (r.level === 'major') a.newMajor += r.n;
      a.bySource[r.source] = (a.bySource[r.source] ?? 0) + r.n;
    }
    out.byCounty.set(r.regionCode, (out.byCounty.get(r.regionCode) ?? 0) + r.n);
  }
  for (const r of f.closed) for (const a of targets(r.regionCode, r.sector)) a.closed += r.n;
  for (const r of f.onBooks) for (const a of targets(r.regionCode, r.sector)) a.onBooks += r.n;
  for (const r of f.closedBy) for (const a of targets(r.regionCode, r.sector)) a.closedBy += r.n;
  const end = startOfDay(addDays(f.to, 1), tz);
  for (const h of f.unsettled) {
    const s = stateAt(h, end);
    if (!isOpen(s.status)) continue;
    const overdue = s.deadline !== null && s.deadline < f.to;
    for (const a of targets(h.regionCode, h.sector)) {
      a.open++;
      if (overdue) a.overdue++;
    }
  }
  return out;
}

export const toCounts = (a: Acc): PeriodCounts => ({
  new: a.new, newMajor: a.newMajor, closed: a.closed, open: a.open, overdue: a.overdue,
  rectificationRate: a.onBooks === 0 ? 0 : a.closedBy / a.onBooks,
});

export function changeOf(cur: PeriodCounts, other: PeriodCounts): Change {
  const out = {} as Change;
  for (const k of PERIOD_KEYS) {
    const diff = cur[k] - other[k];
    out[k] = { diff, pct: other[k] === 0 ? null : diff / other[k] };
  }
  return out;
}

export const sourcesOf = (a: Acc): Record<string, number> => Object.fromEntries(SOURCE_CODES.map((s) => [s, a.bySource[s] ?? 0]));

/** Median of hours from discovery to close-out. */
export function medianHours(closures: readonly Closure[]): number | null {
  if (!closures.length) return null;
  const h = closures.map((c) => (Date.parse(c.closedAt) - Date.parse(c.discoveredAt)) / 3_600_000).sort((a, b) => a - b);
  const mid = Math.floor(h.length / 2);
  return h.length % 2 ? h[mid]! : (h[mid - 1]! + h[mid]!) / 2;
}
