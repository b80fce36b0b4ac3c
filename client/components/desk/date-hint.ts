/**
 * A native date input draws its value in the browser's locale (an English Chromium shows 12/02/2026), which
 * the page cannot change: beside each date field the desk writes the chosen day out in the page's language —
 * Chinese first (2026年12月2日 星期三) — or, while empty, the format the field expects.
 */
export type HintLocale = 'zh' | 'en';

/** The `lang` a date input gets: the page's language, so browsers that honour it draw it that way too. */
export const inputLang = (locale: string): string => (locale === 'en' ? 'en' : 'zh-CN');

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/;

/** `2026-12-02` (a date input's value) or `2026-12-02T14:30` (datetime-local) in words; '' when it is not one. */
export function dateInWords(value: string, locale: HintLocale): string {
  const m = DAY_TIME.exec(value) ?? DAY.exec(value);
  if (!m) return '';
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number?, number?];
  const at = new Date(Date.UTC(y, mo - 1, d));
  if (at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== d) return '';
  const tag = locale === 'en' ? 'en-GB' : 'zh-CN';
  const day = new Intl.DateTimeFormat(tag, { year: 'numeric', month: locale === 'en' ? 'short' : 'long', day: 'numeric', weekday: locale === 'en' ? 'short' : 'long', timeZone: 'UTC' }).format(at);
  const time = h === undefined ? '' : ` ${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}`;
  return day + time;
}

/** What is written under a date field: the day in words, or the expected format while it is empty. */
export function dateHint(value: string | undefined, locale: HintLocale, withTime = false): string {
  const words = value ? dateInWords(value, locale) : '';
  if (words) return words;
  if (locale === 'en') return withTime ? 'Format: YYYY-MM-DD HH:mm' : 'Format: YYYY-MM-DD';
  return withTime ? '格式：年-月-日 时:分' : '格式：年-月-日';
}
