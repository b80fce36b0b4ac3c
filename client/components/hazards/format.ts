/** Labels and times of the ledger pages: Chinese labels from shared/domain, English at ?lang=en. */
import { LEVELS, SECTORS, SOURCES, STATUSES } from '../../../shared/domain';
import { DEFAULT_TZ } from '../../../shared/time';

type Entry = { code: string; zh: string; en: string };
const find = (list: readonly Entry[], code: string | undefined, locale: string): string => {
  const e = list.find((x) => x.code === code);
  return e ? (locale === 'en' ? e.en : e.zh) : code ?? '';
};

export const sectorName = (c: string, locale: string) => find(SECTORS, c, locale);
export const levelName = (c: string, locale: string) => find(LEVELS, c, locale);
export const statusName = (c: string, locale: string) => find(STATUSES, c, locale);
export const sourceName = (c: string | undefined, locale: string) => find(SOURCES, c, locale);

const fmt = new Map<string, Intl.DateTimeFormat>();
/** `2024-11-18 09:30` in the region's time zone. */
export function dateTime(iso: string, tz = DEFAULT_TZ): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  let f = fmt.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    fmt.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
