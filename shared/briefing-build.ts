/** Assembles a Briefing from the store's facts for the period, the one before, the one a year earlier, the campaign and the trend. */
import { SECTOR_CODES, SOURCE_CODES } from './domain';
import { getRegion, regionName } from './regions';
import { addDays } from './time';
import type { Briefing, Campaign, Lang, PeriodCounts, PeriodFacts } from './briefing';
import { changeOf, countPeriod, toCounts } from './briefing-count';
import { computeFlags, RULES } from './briefing-flags';
import { periodDays } from './briefing-period';
import { briefingText, withMessages } from './briefing-text';

export type DailyRow = { day: string; new: number; newMajor: number; closed: number };

export type BriefingInput = {
  region: string;
  lang: Lang;
  tz: string;
  generatedAt: string;
  current: PeriodFacts;
  previous: PeriodFacts;
  yearAgo: PeriodFacts;
  /** from the campaign's start to the end of the current period */
  campaign: PeriodFacts;
  /** new/closed per day over the trend's days (days without any are filled with zeros here) */
  trend: { from: string; to: string; rows: DailyRow[] };
};

function fillDays(from: string, to: string, rows: DailyRow[]): DailyRow[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: DailyRow[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(byDay.get(d) ?? { day: d, new: 0, newMajor: 0, closed: 0 });
  return out;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** The campaign-to-date figures: over the hazards discovered since its start. */
export function campaignOf(f: PeriodFacts, c: PeriodCounts, closed: number): Campaign {
  return {
    from: f.from, to: f.to, total: c.new, major: c.newMajor, rectified: c.newRectified, majorRectified: c.newMajorRectified, closed,
    rectifiedRate: ratio(c.newRectified, c.new), majorRectifiedRate: ratio(c.newMajorRectified, c.newMajor),
    closeOutRate: ratio(closed, c.new),
    provinceListed: f.provinceListed.listed, provinceListedClosed: f.provinceListed.closed,
  };
}

export function buildBriefing(input: BriefingInput): Briefing {
  const { region, lang, tz } = input;
  const cur = countPeriod(region, input.current, tz);
  const prev = countPeriod(region, input.previous, tz);
  const campaign = countPeriod(region, input.campaign, tz);
  // 同比 only where the store holds something from back then
  const y = input.yearAgo;
  const hasYearAgo = y.closedBy.some((r) => r.n > 0) || y.unsettled.length > 0 || (y.ends ?? []).some((r) => r.n > 0);
  const yearAgo: PeriodCounts | null = hasYearAgo ? toCounts(countPeriod(region, y, tz).total) : null;
  const current = toCounts(cur.total);
  const previous = toCounts(prev.total);
  const map = (m: Map<string, Parameters<typeof toCounts>[0]>, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, toCounts(m.get(k)!)]));
  const flags = withMessages(computeFlags({
    region, cur, prev, closures: input.current.flaggedClosures ?? input.current.closures, extended: input.current.extended, from: input.current.from, to: input.current.to, tz,
  }), lang);
  const body: Omit<Briefing, 'text'> = {
    region,
    name: regionName(region),
    lang,
    period: { from: input.current.from, to: input.current.to },
    periodDays: periodDays(input.current),
    previousPeriod: { from: input.previous.from, to: input.previous.to },
    yearAgoPeriod: { from: y.from, to: y.to },
    current,
    previous,
    yearAgo,
    change: { previous: changeOf(current, previous), yearAgo: yearAgo ? changeOf(current, yearAgo) : null },
    campaign: campaignOf(input.campaign, toCounts(campaign.total), campaign.total.newClosed),
    byRegion: map(cur.byChild, [...cur.byChild.keys()]),
    bySector: map(cur.bySector, SECTOR_CODES),
    bySource: map(cur.bySource, SOURCE_CODES),
    unassigned: getRegion(region)?.level === 'city' ? toCounts(cur.unassigned) : null,
    trend: { from: input.trend.from, to: input.trend.to, days: fillDays(input.trend.from, input.trend.to, input.trend.rows) },
    flags,
    thresholds: { ...RULES },
    generatedAt: input.generatedAt,
  };
  return { ...body, text: briefingText(body) };
}
