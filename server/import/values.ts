/**
 * Cell values as people type them in Excel and WPS, turned into the codes and ISO forms of the contract.
 * Every parser answers a value or a reason; reasons are Chinese first (the people fixing the sheet read
 * Chinese) with the English after a slash.
 */
import { z } from 'zod';
import { LEVELS, SECTORS, SOURCES, type Level, type Sector, type Source } from '../../shared/domain';
import { ALL_REGIONS, PROVINCE_CODE, resolveRegion, withdrawnCode, withdrawnMessage } from '../../shared/regions';
import { DEFAULT_TZ, startOfDay } from '../../shared/time';

/** A cell as the readers hand it over: text, a number, a date (Excel date cells), or nothing. */
export type Cell = string | number | boolean | Date | null | undefined;
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (zh: string, en: string): Parsed<never> => ({ ok: false, message: `${zh} / ${en}` });

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Excel counts days from 1899-12-30 (its 1900 leap-year bug included), so serial 45614 is 2024-11-18. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const MAX_SERIAL = 2_958_466; // 9999-12-31

/** The text of a cell: numbers without exponent or float noise, dates as `2024-11-18[ 09:30]`. */
export function cellText(c: Cell): string {
  if (c === null || c === undefined) return '';
  // line breaks inside a cell are LF, as Excel keeps them (Alt+Enter)
  if (typeof c === 'string') return c.trim().replace(/\r\n?/g, '\n');
  if (typeof c === 'boolean') return c ? 'TRUE' : 'FALSE';
  if (c instanceof Date) {
    const w = wallOfDate(c);
    return w ? formatWall(w, true) : '';
  }
  return Number.isInteger(c) ? c.toFixed(0) : String(c);
}

/** A wall-clock date and time in TZ_REGION, before it is given an offset. */
type Wall = { y: number; m: number; d: number; h: number; mi: number; s: number; hasTime: boolean };

/** Days in month `m` (1–12) of year `y`, Gregorian (as Date.UTC counts them). */
function daysIn(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function validWall(w: Wall): Wall | null {
  if (w.y < 1900 || w.y > 9999 || w.m < 1 || w.m > 12 || w.d < 1 || w.h > 23 || w.mi > 59 || w.s > 59) return null;
  return w.d <= daysIn(w.y, w.m) ? w : null;
}

/** exceljs gives date cells as Dates whose UTC fields are the wall clock the sheet shows. */
function wallOfDate(d: Date): Wall | null {
  if (Number.isNaN(d.getTime())) return null;
  const h = d.getUTCHours(), mi = d.getUTCMinutes(), s = d.getUTCSeconds();
  return validWall({ y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), h, mi, s, hasTime: h + mi + s > 0 });
}

function wallOfSerial(n: number): Wall | null {
  if (!(n >= 1 && n < MAX_SERIAL)) return null;
  // round to the second: serials carry float noise (0.3958333 for 09:30)
  return wallOfDate(new Date(EXCEL_EPOCH_MS + Math.round(n * 86_400) * 1000));
}

const DATE_TEXT = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const TIME_TEXT = /^(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*分?\s*(?:[:：]?\s*(\d{1,2})\s*秒?)?$/;

function wallOfText(t: string): Wall | null {
  // "2024年11月18日9时30分": the time may follow 日 without a space
  const s = t.trim().replace(/\s+/g, ' ').replace(/日(?=\d)/, '日 ');
  // the date part ends at the first space or T between a digit/日 and the time
  const m = /^(.+?日|[\d\-/.年月]+?)(?:[ T](.+))?$/.exec(s);
  if (!m) return null;
  const date = DATE_TEXT.exec(m[1]!.trim()) ?? COMPACT_DATE.exec(m[1]!.trim());
  if (!date) return null;
  let h = 0, mi = 0, sec = 0;
  if (m[2]) {
    const time = TIME_TEXT.exec(m[2].trim());
    if (!time) return null;
    [h, mi, sec] = [Number(time[1]), Number(time[2]), Number(time[3] ?? 0)];
  }
  return validWall({ y: Number(date[1]), m: Number(date[2]), d: Number(date[3]), h, mi, s: sec, hasTime: Boolean(m[2]) });
}

function formatWall(w: Wall, withTime: boolean): string {
  const day = `${w.y}-${pad(w.m)}-${pad(w.d)}`;
  return withTime && w.hasTime ? `${day} ${pad(w.h)}:${pad(w.mi)}${w.s ? `:${pad(w.s)}` : ''}` : day;
}

function wallOf(c: Cell): Wall | null {
  if (c instanceof Date) return wallOfDate(c);
  if (typeof c === 'number') return wallOfSerial(c);
  if (typeof c === 'string') {
    const t = c.trim();
    if (/^\d+(\.\d+)?$/.test(t) && !COMPACT_DATE.test(t)) return wallOfSerial(Number(t));
    return wallOfText(t);
  }
  return null;
}

const ISO_START = /^\d{4}-\d{2}-\d{2}T/;
const DATE_FORMS = '应为 2024-11-18、2024/11/18 或 2024年11月18日 / expected 2024-11-18, 2024/11/18 or 2024年11月18日';

/** A deadline: `YYYY-MM-DD`. */
export function parseDay(c: Cell, t: string = cellText(c)): Parsed<string> {
  if (typeof c === 'string' && ISO_START.test(t) && isoInstant.safeParse(t).success) return ok(t.slice(0, 10));
  const w = wallOf(c);
  return w ? ok(formatWall(w, false)) : { ok: false, message: `无法识别的日期“${t}”，${DATE_FORMS}` };
}

const isoInstant = z.iso.datetime({ offset: true });

/** startOfDay asks Intl several times; a ledger has few distinct days, so each is asked once. */
const dayStarts = new Map<string, number>();
function dayStart(day: string, tz: string): number {
  const k = `${tz}|${day}`;
  let v = dayStarts.get(k);
  if (v === undefined) {
    if (dayStarts.size > 50_000) dayStarts.clear();
    dayStarts.set(k, (v = startOfDay(day, tz)));
  }
  return v;
}

/** `+08:00` for `tz` at the instant. */
function offsetText(ms: number, wallAsUtc: number): string {
  const minutes = Math.round((wallAsUtc - ms) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/**
 * A discovery time: an ISO time with an offset is kept exactly as written (so an export imports back
 * unchanged); anything else is a wall-clock time in `tz`, a bare date meaning 00:00 that day.
 */
export function parseInstant(c: Cell, tz: string = DEFAULT_TZ, t: string = cellText(c)): Parsed<string> {
  // only a text starting with a date and T can be an ISO time: the schema is not asked about the others
  if (typeof c === 'string' && ISO_START.test(t) && isoInstant.safeParse(t).success) return ok(t);
  const w = wallOf(c);
  if (!w) return { ok: false, message: `无法识别的时间“${t}”，${DATE_FORMS.replace('2024-11-18、', '2024-11-18 09:30、')}` };
  const day = `${w.y}-${pad(w.m)}-${pad(w.d)}`;
  const ms = dayStart(day, tz) + ((w.h * 60 + w.mi) * 60 + w.s) * 1000;
  const wallAsUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.mi, w.s);
  return ok(`${day}T${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}${offsetText(ms, wallAsUtc)}`);
}

/** Value text for matching: no spaces, no notes in brackets, lower case for codes. */
const key = (t: string) => t.replace(/\s/g, '').replace(/[（(][^）)]*[）)]/g, '').toLowerCase();

function vocabulary<T extends string>(entries: ReadonlyArray<{ code: T; zh: string; en: string }>, aliases: Record<string, T>): Map<string, T> {
  const m = new Map<string, T>();
  for (const e of entries) for (const k of [e.code, e.zh, e.en]) m.set(key(k), e.code);
  for (const [k, code] of Object.entries(aliases)) m.set(key(k), code);
  return m;
}

const SECTOR_WORDS = vocabulary<Sector>(SECTORS, {
  煤矿企业: 'coal', 煤炭: 'coal', 非煤: 'noncoal', 尾矿库: 'noncoal', 危化: 'hazchem', 危化品: 'hazchem', 危险化学品企业: 'hazchem',
  烟花爆竹企业: 'fireworks', 冶金工贸: 'indtrade', 工贸行业: 'indtrade', 冶金: 'indtrade', 消防安全: 'fire', 建筑: 'construction',
  建筑业: 'construction', 燃气: 'gas', 道路交通: 'road', 交通运输: 'road', 水运: 'water_transport', 民爆: 'explosives',
  民爆物品: 'explosives', 文旅: 'tourism', 旅游: 'tourism', 学校: 'campus', 餐饮: 'catering', 住宿: 'catering', 农业: 'agriculture',
  渔业: 'agriculture', 农机: 'agriculture', 其它: 'other',
  // the labels before they were written as the province's documents write them, so old files still import
  文化旅游: 'tourism', 校园: 'campus', 教育: 'campus', 餐饮住宿: 'catering', 农业农机渔业: 'agriculture', 农业机械: 'agriculture',
  渔业船舶: 'agriculture', 水利工程: 'water_conservancy', 轨道交通: 'urban_rail', 地铁: 'urban_rail',
});
const LEVEL_WORDS = vocabulary<Level>(LEVELS, { 重大: 'major', 重大事故隐患: 'major', 一般: 'general', 一般事故隐患: 'general' });
const SOURCE_WORDS = vocabulary<Source>(SOURCES, {
  自查: 'self_check', 企业自查自报: 'self_check', 检查: 'inspection', 执法检查: 'inspection', 监督检查: 'inspection',
  督查: 'spot_check', 暗访: 'spot_check', 督查暗访: 'spot_check', 上级督查: 'spot_check', 明查暗访: 'spot_check',
  举报: 'public_report', 投诉举报: 'public_report', 群众举报: 'public_report', 上级督查暗访: 'spot_check', 企业自查发现: 'self_check',
  部门检查发现: 'inspection', 监测: 'monitoring', 预警: 'monitoring', 其它: 'other',
});

const listOf = (entries: ReadonlyArray<{ zh: string }>) => entries.map((e) => e.zh).join('、');

function fromVocabulary<T>(words: Map<string, T>, t: string, what: string, list: string): Parsed<T> {
  const v = words.get(key(t));
  return v !== undefined ? ok(v) : bad(`无法识别的${what}“${t}”，可填：${list}`, `unknown value "${t}"`);
}

export const parseSector = (t: string) => fromVocabulary(SECTOR_WORDS, t, '行业领域', listOf(SECTORS));
export const parseLevel = (t: string) => fromVocabulary(LEVEL_WORDS, t, '隐患级别', '重大隐患、一般隐患');
export const parseSource = (t: string) => fromVocabulary(SOURCE_WORDS, t, '隐患来源', listOf(SOURCES));

/** A region by code or by name (吕梁市离石区, 山西省吕梁市离石区, 离石区 when unique). */
export function parseRegion(c: Cell, text: string = cellText(c)): Parsed<string> {
  const t = text.replace(/\s/g, '');
  const r = resolveRegion(t);
  if (r?.code === PROVINCE_CODE) return bad('应填县（市、区）或市，不能填全省', 'report against a county or a city, not the province');
  if (r) return ok(r.code);
  // old ledgers carry the codes withdrawn in 2018–2019: name the successor
  const w = withdrawnCode(t);
  if (w) {
    const m = withdrawnMessage(w);
    return bad(m.zh, m.en);
  }
  const same = ALL_REGIONS.filter((x) => x.name === t.replace(/^山西省/, ''));
  if (same.length > 1) {
    return bad(`地区名称“${t}”不唯一，请写全称，如 ${same.map((x) => x.fullName).join('、')}`, `ambiguous region name "${t}"`);
  }
  return bad(`无法识别的地区“${t}”，请填县（市、区）或市的全称或 6 位行政区划代码`, `unknown region "${t}"`);
}
