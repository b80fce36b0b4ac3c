/** How the briefing page writes changes and dates. The figures come from the API as they are. */
import { isRateKey, type CHANGE_KEYS, type Change } from '../../../shared/briefing';
import { pct1 } from '../../../shared/briefing-text';

export type Key = (typeof CHANGE_KEYS)[number];

/** Whether a rise is good news (green), bad news (red) or neither (new reports: finding more is not failing). */
export const GOOD_WHEN: Record<Key, 'up' | 'down' | 'neutral'> = {
  new: 'neutral', newMajor: 'neutral', closed: 'up', open: 'down', overdue: 'down', rectificationRate: 'up',
  rectifiedRate: 'up', closeOutRate: 'up', majorRectifiedRate: 'up', total: 'neutral', major: 'neutral',
};

export type Delta = { arrow: '▲' | '▼' | '＝'; abs: string; pct: string | null; tone: 'good' | 'bad' | 'neutral' };

/** The change of one KPI: arrow, absolute change (points for the rate), percent (none when the base is 0). */
export function deltaOf(key: Key, change: Change[Key], base: number): Delta {
  const { diff, pct } = change;
  const arrow = diff > 0 ? '▲' : diff < 0 ? '▼' : '＝';
  const abs = isRateKey(key) ? pct1(diff).toFixed(1) : String(Math.abs(diff));
  const good = GOOD_WHEN[key];
  const tone = diff === 0 || good === 'neutral' ? 'neutral' : (diff > 0) === (good === 'up') ? 'good' : 'bad';
  return { arrow, abs, pct: pct === null || base === 0 || isRateKey(key) ? null : `${pct1(pct).toFixed(1)}%`, tone };
}

export const rateText = (r: number): string => `${pct1(r).toFixed(1)}%`;

/** 2024-11-18 → 2024年11月18日 / 2024-11-18 */
export function dayText(day: string, lang: 'zh' | 'en'): string {
  if (lang === 'en') return day;
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

export const periodText = (p: { from: string; to: string }, lang: 'zh' | 'en'): string =>
  p.from === p.to ? dayText(p.from, lang) : `${dayText(p.from, lang)} ${lang === 'en' ? 'to' : '至'} ${dayText(p.to, lang)}`;
