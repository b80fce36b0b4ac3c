/**
 * Briefing periods: calendar days (YYYY-MM-DD, inclusive) in TZ_REGION. The period before (环比) has the
 * same length and ends the day before; the year-ago period (同比) is the same dates one year earlier.
 */
import { addDays, daysBetween } from './time';

export type Period = { from: string; to: string };

/**
 * Default start of the province-wide major-hazard campaign (after the 11·16 fire). A deployment sets its own with
 * CAMPAIGN_START (server/config.ts); the briefing page lets a reader change it for one view.
 */
export const CAMPAIGN_START = '2023-11-20';

/**
 * The longest period a briefing covers. Campaign-to-date runs from CAMPAIGN_START (over a thousand days by now);
 * every count is a grouped query over indexed day columns, so length costs little. The daily trend is capped
 * separately (TREND_MAX_DAYS).
 */
export const MAX_PERIOD_DAYS = 1500;
export const TREND_MIN_DAYS = 14;
export const TREND_MAX_DAYS = 366;

export const periodDays = (p: Period): number => daysBetween(p.from, p.to) + 1;

export function previousPeriod(p: Period): Period {
  const n = periodDays(p);
  return { from: addDays(p.from, -n), to: addDays(p.from, -1) };
}

/** The same day one year earlier; 29 February becomes 28 February. */
export function yearEarlier(day: string): string {
  const y = Number(day.slice(0, 4)) - 1;
  const md = day.slice(5) === '02-29' ? '02-28' : day.slice(5);
  return `${String(y).padStart(4, '0')}-${md}`;
}

export const yearAgoPeriod = (p: Period): Period => ({ from: yearEarlier(p.from), to: yearEarlier(p.to) });

/** The days a briefing's trend shows: the period's, but at least two weeks and at most a year, ending with it. */
export function trendPeriod(p: Period): Period {
  const n = Math.min(TREND_MAX_DAYS, Math.max(TREND_MIN_DAYS, periodDays(p)));
  return { from: addDays(p.to, -(n - 1)), to: p.to };
}

export const PRESETS = ['today', 'week', 'month', 'campaign', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];

/** Day of the week, Monday = 0 (a working week in China starts on Monday). */
const mondayIndex = (day: string): number => (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;

/** The period a preset means on `today`; `custom` keeps what was asked, clamped to end by today. */
export function presetPeriod(preset: Preset, today: string, opts: { campaignStart?: string; custom?: Period } = {}): Period {
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'week':
      return { from: addDays(today, -mondayIndex(today)), to: today };
    case 'month':
      return { from: `${today.slice(0, 8)}01`, to: today };
    case 'campaign': {
      const start = opts.campaignStart ?? CAMPAIGN_START;
      return { from: start <= today ? start : today, to: today };
    }
    case 'custom': {
      const c = opts.custom ?? { from: today, to: today };
      const to = c.to <= today ? c.to : today;
      return { from: c.from <= to ? c.from : to, to };
    }
  }
}

/** Why a period cannot be briefed, or null when it can. */
export function periodProblem(p: Period, today: string): string | null {
  if (p.from > p.to) return `from (${p.from}) is after to (${p.to})`;
  if (p.to > today) return `to (${p.to}) is after today (${today}) in the region's time zone`;
  if (periodDays(p) > MAX_PERIOD_DAYS) return `the period is ${periodDays(p)} days; at most ${MAX_PERIOD_DAYS}`;
  return null;
}
