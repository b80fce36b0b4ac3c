/** Numbers, percentages, times and ages, in the region's time zone and the page's locale. */
import { pct1 } from '../../shared/briefing-text';
import { DEFAULT_TZ } from '../../shared/time';

const nf = new Map<string, Intl.NumberFormat>();
export function formatInt(n: number, locale = 'zh-CN'): string {
  let f = nf.get(locale);
  if (!f) nf.set(locale, (f = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })));
  return f.format(n);
}

/**
 * 0..1 → "87.5%": one decimal, rounded as the briefing rounds it (shared/briefing-text.ts `pct1`, half up), so the
 * wall and the briefing print the same figure for the same counts — but never 100% while something is still open.
 */
export function formatRate(rate: number): string {
  const pct = rate < 1 ? Math.min(pct1(rate), 99.9) : pct1(rate);
  return `${pct.toFixed(1)}%`;
}

const dtf = new Map<string, Intl.DateTimeFormat>();
function fmt(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = dtf.get(key);
  if (!f) dtf.set(key, (f = make()));
  return f;
}

export function formatTime(ms: number, tz = DEFAULT_TZ): string {
  return fmt(`t|${tz}`, () => new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })).format(ms);
}

export function formatHm(ms: number, tz = DEFAULT_TZ): string {
  return fmt(`hm|${tz}`, () => new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })).format(ms);
}

/**
 * An instant as the region's wall clock shows it: `2024-11-18 09:30` (the ledger's times, the briefing's
 * generation time). A string that is not a time is shown as it is.
 */
export function formatDateTime(iso: string, tz = DEFAULT_TZ): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const f = fmt(`dt|${tz}`, () => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }));
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function formatDate(ms: number, tz = DEFAULT_TZ, locale = 'zh-CN'): string {
  return fmt(`d|${tz}|${locale}`, () => new Intl.DateTimeFormat(locale, { timeZone: tz, year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' })).format(ms);
}

/** Splits an age in ms into the parts the age messages need. */
export function ageParts(ms: number): { key: 's' | 'ms' | 'hm' | 'd'; values: Record<string, number> } {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return { key: 's', values: { n: s } };
  if (s < 3600) return { key: 'ms', values: { m: Math.floor(s / 60), s: s % 60 } };
  if (s < 86_400) return { key: 'hm', values: { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) } };
  return { key: 'd', values: { d: Math.floor(s / 86_400), h: Math.floor((s % 86_400) / 3600) } };
}
