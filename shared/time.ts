/**
 * Days, deadlines and "today" are counted in the region's time zone (TZ_REGION, Asia/Shanghai by default).
 */
export const DEFAULT_TZ = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    });
    formatters.set(tz, f);
  }
  return f;
}

function parts(ms: number, tz: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

const dayCache = new Map<string, string>();
const QUARTER_HOUR = 900_000;

/**
 * The calendar day (YYYY-MM-DD) that the instant falls on in `tz`. Intl formatting is slow and intake
 * asks this for every row: every zone's offset is a multiple of 15 minutes, so a day never changes
 * inside a quarter-hour bucket, and the bucket's answer is cached (bounded).
 */
export function dayOf(ms: number, tz: string = DEFAULT_TZ): string {
  const key = `${tz}|${Math.floor(ms / QUARTER_HOUR)}`;
  const hit = dayCache.get(key);
  if (hit !== undefined) return hit;
  const p = parts(ms, tz);
  const day = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  if (dayCache.size >= 50_000) dayCache.clear();
  dayCache.set(key, day);
  return day;
}

/** Offset of `tz` from UTC at the instant, in ms. */
function offsetAt(ms: number, tz: string): number {
  const p = parts(ms, tz);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant at which `day` begins in `tz`. */
export function startOfDay(day: string, tz: string = DEFAULT_TZ): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - offsetAt(guess, tz);
  const start = guess - offsetAt(first, tz);
  if (dayOf(start, tz) === day) return start;
  // Midnight does not exist where a DST change skips it (America/Santiago): the day begins at the
  // change, which lies within a few hours after `start`; transitions fall on whole seconds.
  let lo = start;
  let hi = start + 6 * 3_600_000;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (dayOf(mid, tz) < day) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The day after `day` (calendar arithmetic, no zone involved). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
