/**
 * The leadership briefing (docs/API.md "Briefing", docs/DOMAIN.md "Rates") as pure functions over what the store
 * returns for a period (PeriodFacts), so every number can be checked against an independent count in a unit test.
 *
 * How hazards are counted:
 * - A rejected hazard (经核查不属实（含重复）) never was a hazard: it is left out of every number, whenever it was
 *   rejected (the same rule as the summary's `total` and the trend); `rejected` counts them on their own.
 * - `new`: discovered in the period (discovered_day in TZ_REGION). `newMajor`: of those, major at the end of the
 *   period — the level is replayed from the history, so a hazard raised to major later counts as general then.
 * - `closed`: closed (销号) in the period. Closing is final, so closed_day alone says when.
 * - Everything else is as at the end of the period's last day, replayed from the change history (the last change
 *   recorded with `at` before that moment): `total`/`major` on the books, `open`/`overdue`, `rectified`
 *   (已整改待验收), `closedToDate`. A failed acceptance (rectified → rectifying) makes a hazard open again.
 *   Overdue: open with a deadline before the last day — what the wall showed at the end of that day.
 * - Rates (docs/DOMAIN.md): 整改率（含已整改待验收） `rectifiedRate` = (rectified + closedToDate) ÷ total;
 *   销号率 `closeOutRate` = closedToDate ÷ total; the same two for major hazards alone. `rectificationRate` is the
 *   v1 contract's field and keeps its meaning, closed ÷ total — it always equals `closeOutRate`.
 * - `newRectified`: of the period's new hazards, rectified or closed by its end (the bulletins' "发现…项，已整改…项").
 */
import { z } from 'zod';
import type { Level, Sector, Source, Status } from './domain';
import type { Period } from './briefing-period';

export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export const PeriodCountsSchema = z.object({
  new: z.number(), newMajor: z.number(), closed: z.number(), open: z.number(), overdue: z.number(),
  /** v1: closed ÷ total at the end of the period (= closeOutRate) */
  rectificationRate: z.number(),
  total: z.number(), major: z.number(), rectified: z.number(), majorRectified: z.number(),
  closedToDate: z.number(), majorClosedToDate: z.number(),
  newRectified: z.number(), newMajorRectified: z.number(), rejected: z.number(),
  /** 整改率（含已整改待验收） */
  rectifiedRate: z.number(),
  /** 销号率 */
  closeOutRate: z.number(),
  /** 重大隐患整改率（含已整改待验收） */
  majorRectifiedRate: z.number(),
  /** 重大隐患销号率 */
  majorCloseOutRate: z.number(),
});
export type PeriodCounts = z.infer<typeof PeriodCountsSchema>;
export type PeriodKey = keyof PeriodCounts;
/** The figures screens show as columns and compare with other periods, in reading order. */
export const PERIOD_KEYS = ['new', 'newMajor', 'closed', 'open', 'overdue', 'rectifiedRate', 'closeOutRate', 'majorRectifiedRate'] as const;
export const RATE_KEYS: readonly PeriodKey[] = ['rectificationRate', 'rectifiedRate', 'closeOutRate', 'majorRectifiedRate', 'majorCloseOutRate'];
export const isRateKey = (k: string): boolean => (RATE_KEYS as readonly string[]).includes(k);
/** Every key a change (环比/同比) is computed for: the shown ones and the v1 rate. */
export const CHANGE_KEYS = [...PERIOD_KEYS, 'rectificationRate', 'total', 'major'] as const;

const PeriodSchema = z.object({ from: z.string(), to: z.string() });
/** current − other for each key; `pct` is the change ÷ the other (null when the other is 0). */
export const ChangeSchema = z.record(z.enum(CHANGE_KEYS), z.object({ diff: z.number(), pct: z.number().nullable() }));
export type Change = z.infer<typeof ChangeSchema>;

export const FLAG_RULES = [
  'blind_spot', 'blind_spot_counties', 'sector_absent', 'few_reports', 'spot_check_high', 'low_self_check',
  'rejected_high', 'fast_closure', 'source_silent', 'repeated_extension',
] as const;
export type FlagRule = (typeof FLAG_RULES)[number];
export const FlagSchema = z.object({
  rule: z.enum(FLAG_RULES),
  region: z.string().optional(),
  sector: z.string().optional(),
  source: z.string().optional(),
  /** the hazard a per-hazard flag is about (repeated extensions) */
  hazardId: z.string().optional(),
  /** the regions a grouped flag is about (the silent counties of a city) */
  regions: z.array(z.string()).optional(),
  message: z.string(),
  /** the figures the rule fired on (shares 0..1, hours, counts, thresholds) */
  numbers: z.record(z.string(), z.number()),
});
export type Flag = z.infer<typeof FlagSchema>;

export const DailySchema = z.object({ day: z.string(), new: z.number(), newMajor: z.number(), closed: z.number() });

/**
 * 专项整治以来: the hazards discovered from the campaign's start to the end of the period, as at that end. Its
 * 整改率 and 重大隐患整改率 are over those hazards only (rectified or closed by the end ÷ discovered).
 */
export const CampaignSchema = z.object({
  from: z.string(), to: z.string(),
  total: z.number(), major: z.number(), rectified: z.number(), majorRectified: z.number(), closed: z.number(),
  rectifiedRate: z.number(), majorRectifiedRate: z.number(), closeOutRate: z.number(),
  /**
   * 省级挂牌督办: every hazard the province listed from the start to the end (from the history, once each, a
   * lifted listing included, whenever the hazard was discovered), and of them closed (已销号) by the end
   */
  provinceListed: z.number(), provinceListedClosed: z.number(),
});
export type Campaign = z.infer<typeof CampaignSchema>;

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
  campaign: CampaignSchema,
  byRegion: z.record(z.string(), PeriodCountsSchema),
  bySector: z.record(z.string(), PeriodCountsSchema),
  /** every source (企业自查发现, 部门检查发现, 督查暗访, 群众举报（12350）, …): found (`new`) and rectified (`newRectified`) */
  bySource: z.record(z.string(), PeriodCountsSchema),
  /** a city's hazards in none of its counties: its development zones and the city itself (开发区及市本级); null for the province and counties */
  unassigned: PeriodCountsSchema.nullable(),
  trend: z.object({ from: z.string(), to: z.string(), days: z.array(DailySchema) }),
  flags: z.array(FlagSchema),
  thresholds: z.record(z.string(), z.number()),
  text: z.string(),
  generatedAt: z.string(),
});
export type Briefing = z.infer<typeof BriefingSchema>;

// ---- what the store returns for one period ------------------------------------------------------
// A data source may compute these any way it likes (grouped reads today, per-day aggregates later); the
// counting in briefing-count.ts only needs these shapes.

/**
 * `part`: a row of per-day aggregates counts only on one side, by sector or by source (the other field is then
 * empty); a scan's rows, without it, count on both.
 */
export type GroupRow = { regionCode: string; sector: Sector; source: Source; level: Level; n: number; part?: 'sector' | 'source' };
export type StateFacts = { status: Status; level: Level; deadline: string | null };
export type StateChange = { seq: number; at: string; before: StateFacts | null; after: StateFacts | null };
/** A hazard that may have been open at the end of the period, with its changes after `reported` in seq order. */
export type UnsettledHazard = {
  id: string; regionCode: string; sector: Sector; source: Source; discoveredDay: string;
  current: StateFacts; changes: StateChange[];
};
export type Closure = { regionCode: string; sector: Sector; source: Source; level: Level; discoveredAt: string; closedAt: string };
/**
 * The hazards not closed by the end of the period, counted rather than listed (the per-day aggregates,
 * server/briefing/daily.ts): by the level they had then, how many were on the books, open, overdue and
 * rectified, and of the period's new ones how many were rectified or closed.
 */
export type EndRow = GroupRow & {
  open: number; overdue: number; rectified: number;
  /** of the period's new hazards: rectified and not closed at the end, closed by the end */
  newRectified: number; newClosed: number;
};
/** A hazard whose deadline was extended more than once: the times of its extensions. */
export type Extended = { id: string; regionCode: string; sector: Sector; at: string[] };

export type PeriodFacts = Period & {
  /** discovered in the period, not rejected; `level` is the current one (briefing-count replays it) */
  discovered: GroupRow[];
  /** closed in the period (a level changes only while open, so the current level is the level then) */
  closed: GroupRow[];
  /** closed by the end of the period */
  closedBy: GroupRow[];
  /** discovered by the end of the period, not rejected, not closed by then: with closedBy, every hazard on the books */
  unsettled: UnsettledHazard[];
  /** discovered in the period and closed by its end: for the time-to-close */
  closures: Closure[];
  /**
   * A source that counts the closures (in `ends`, newClosed) lists only those of the units whose share of closed new
   * hazards can raise the fast-closure flag (shared/briefing-flags.ts): the time-to-close is read for them alone.
   */
  flaggedClosures?: Closure[];
  /** discovered in the period and rejected as false or duplicate */
  rejected: GroupRow[];
  /** on the books in the period (not closed before it) with two or more extensions */
  extended: Extended[];
  /** listed by the province in the period (its history's listing changes), and of them closed by its end */
  provinceListed: { listed: number; closed: number };
  /**
   * The same hazards as `unsettled`, already counted (a source that keeps per-day aggregates returns these and
   * no `unsettled`); with them `discovered` is grouped by the level at the end of the period, not the current one.
   */
  ends?: EndRow[];
};

/** The state of a hazard at `end` (ms): the last change (by seq) recorded as happening before it. */
export function stateAt(h: Pick<UnsettledHazard, 'changes' | 'current'>, end: number): StateFacts {
  let state: StateFacts | null = null;
  for (const c of h.changes) if (c.after && Date.parse(c.at) < end) state = c.after;
  return state ?? h.changes[0]?.before ?? h.current;
}
