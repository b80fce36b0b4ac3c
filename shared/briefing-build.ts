/** Assembles a Briefing from the store's facts for the period, the one before, the one a year earlier and the trend. */
import { SECTOR_CODES } from './domain';
import { getRegion, regionName } from './regions';
import { addDays } from './time';
import {
  changeOf, countPeriod, sourcesOf, toCounts, type Briefing, type Lang, type PeriodCounts, type PeriodFacts,
} from './briefing';
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
  /** new/closed per day over the trend's days (days without any are filled with zeros here) */
  trend: { from: string; to: string; rows: DailyRow[] };
};

function fillDays(from: string, to: string, rows: DailyRow[]): DailyRow[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: DailyRow[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(byDay.get(d) ?? { day: d, new: 0, newMajor: 0, closed: 0 });
  return out;
}

export function buildBriefing(input: BriefingInput): Briefing {
  const { region, lang, tz } = input;
  const cur = countPeriod(region, input.current, tz);
  const prev = countPeriod(region, input.previous, tz);
  // 同比 only where the store holds something from back then
  const hasYearAgo = input.yearAgo.onBooks.some((r) => r.n > 0);
  const yearAgo: PeriodCounts | null = hasYearAgo ? toCounts(countPeriod(region, input.yearAgo, tz).total) : null;
  const current = toCounts(cur.total);
  const previous = toCounts(prev.total);
  const byRegion = Object.fromEntries([...cur.byChild].map(([code, a]) => [code, toCounts(a)]));
  const bySector = Object.fromEntries(SECTOR_CODES.map((s) => [s, toCounts(cur.bySector.get(s)!)]));
  const flags = withMessages(computeFlags(region, cur, prev, input.current.closures), lang);
  const body: Omit<Briefing, 'text'> = {
    region,
    name: regionName(region),
    lang,
    period: { from: input.current.from, to: input.current.to },
    periodDays: periodDays(input.current),
    previousPeriod: { from: input.previous.from, to: input.previous.to },
    yearAgoPeriod: { from: input.yearAgo.from, to: input.yearAgo.to },
    current,
    previous,
    yearAgo,
    change: { previous: changeOf(current, previous), yearAgo: yearAgo ? changeOf(current, yearAgo) : null },
    byRegion,
    bySector,
    bySource: sourcesOf(cur.total),
    unassigned: getRegion(region)?.level === 'city' ? toCounts(cur.unassigned) : null,
    trend: { from: input.trend.from, to: input.trend.to, days: fillDays(input.trend.from, input.trend.to, input.trend.rows) },
    flags,
    thresholds: { ...RULES },
    generatedAt: input.generatedAt,
  };
  return { ...body, text: briefingText(body) };
}
