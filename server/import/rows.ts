/**
 * From sheet rows to Hazard inputs: finding the header row, reading each row's cells by column, and
 * naming the column of every reason a row is rejected. The HazardInput schema stays the authority: a row
 * that reads cleanly still goes through HazardService.ingest, and its reasons are mapped back to columns.
 */
import { COLUMNS, normaliseHeader, type Column, type ColumnKey, type ImportRejected } from '../../shared/import';
import type { ItemError } from '../hazards/hazards.service';
import { cellText, parseDay, parseInstant, parseLevel, parseRegion, parseSector, parseSource, type Cell, type Parsed } from './values';

export type HeaderMap = { row: number; index: Map<ColumnKey, number>; ignored: string[] };
export type CellError = { column: string; message: string };
export type MappedRow =
  | { kind: 'empty' }
  | { kind: 'bad'; id?: string; errors: CellError[]; values: Record<string, string> }
  | { kind: 'ok'; raw: Record<string, unknown> };

const BY_HEADER = new Map<string, Column>();
for (const c of COLUMNS) for (const h of [c.header, ...c.aliases]) BY_HEADER.set(normaliseHeader(h), c);
const COLUMN = Object.fromEntries(COLUMNS.map((c) => [c.key, c])) as Record<ColumnKey, Column>;

/** A header row names the id and at least two other template columns; null when `cells` is not one. */
export function matchHeader(cells: readonly Cell[], row: number): HeaderMap | null {
  const index = new Map<ColumnKey, number>();
  const ignored: string[] = [];
  cells.forEach((c, i) => {
    const text = cellText(c);
    if (!text) return;
    const col = BY_HEADER.get(normaliseHeader(text));
    if (col && !index.has(col.key)) index.set(col.key, i);
    else ignored.push(text);
  });
  return index.has('id') && index.size >= 3 ? { row, index, ignored } : null;
}

export const missingColumns = (h: HeaderMap): Column[] => COLUMNS.filter((c) => c.required && !h.index.has(c.key));

const REQUIRED = '必填 / required';

/** How each template column becomes a field of the Hazard input (enterprise name and code are joined after). */
type Reader = (c: Cell, text: string, tz: string) => Parsed<unknown>;
const asText: Reader = (_c, t) => ({ ok: true, value: t });
const READERS: Array<[ColumnKey, Reader]> = [
  ['id', asText],
  ['regionCode', (c) => parseRegion(c)],
  ['sector', (_c, t) => parseSector(t)],
  ['level', (_c, t) => parseLevel(t)],
  ['title', asText],
  ['description', asText],
  ['source', (_c, t) => parseSource(t)],
  ['discoveredAt', (c, _t, tz) => parseInstant(c, tz)],
  ['deadline', (c) => parseDay(c)],
  ['linkedTo', asText],
];

const cellOf = (cells: readonly Cell[], h: HeaderMap, k: ColumnKey): Cell => {
  const i = h.index.get(k);
  return i === undefined ? undefined : cells[i];
};

/** The row's cells as text, keyed by the template's headers (for the rejected-rows table and download). */
export function valuesOf(cells: readonly Cell[], h: HeaderMap): Record<string, string> {
  const values: Record<string, string> = {};
  for (const c of COLUMNS) if (h.index.has(c.key)) values[c.header] = cellText(cellOf(cells, h, c.key));
  return values;
}

/** Reads one data row; cells that cannot be read are named with their column and reason. */
export function mapRow(cells: readonly Cell[], h: HeaderMap, tz: string): MappedRow {
  const texts = new Map<ColumnKey, string>();
  for (const k of h.index.keys()) texts.set(k, cellText(cellOf(cells, h, k)));
  if ([...texts.values()].every((v) => v === '')) return { kind: 'empty' };

  const errors: CellError[] = [];
  const raw: Record<string, unknown> = {};
  for (const [k, read] of READERS) {
    const t = texts.get(k) ?? '';
    if (!t) {
      if (COLUMN[k].required) errors.push({ column: COLUMN[k].header, message: REQUIRED });
      continue;
    }
    const p = read(cellOf(cells, h, k), t, tz);
    if (p.ok) raw[k] = p.value;
    else errors.push({ column: COLUMN[k].header, message: p.message });
  }
  const name = texts.get('enterpriseName') ?? '';
  const creditCode = (texts.get('creditCode') ?? '').toUpperCase();
  if (name || creditCode) raw.enterprise = { name, ...(creditCode ? { creditCode } : {}) };

  const id = texts.get('id') || undefined;
  return errors.length ? { kind: 'bad', ...(id ? { id } : {}), errors, values: valuesOf(cells, h) } : { kind: 'ok', raw };
}

/** The schema's reasons, in Chinese first (the schema speaks English to API clients). */
const REASONS: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/is in the future/, () => '晚于当前时间'],
  [/is required for a major hazard/, () => '重大隐患必须填写整改期限'],
  [/is before the hazard was discovered/, () => '早于发现时间'],
  [/unknown region code/, () => '未知的行政区划代码'],
  [/not the province/, () => '应填区县或市，不能填全省'],
  [/1–64 characters/, () => '应为 1–64 个字母、数字或 . _ : -'],
  [/18 characters/, () => '应为 18 位统一社会信用代码'],
  [/at most (\d+) characters/, (m) => `不能超过 ${m[1]} 字`],
  [/is required/, () => '必填'],
  [/ISO 8601 time/, () => '时间格式不正确'],
  [/must be a date/, () => '日期格式不正确'],
];
const translate = (en: string): string => {
  for (const [re, zh] of REASONS) {
    const m = re.exec(en);
    if (m) return `${zh(m)} / ${en}`;
  }
  return en;
};

const PATH_COLUMN: Record<string, ColumnKey> = {
  id: 'id', regionCode: 'regionCode', sector: 'sector', level: 'level', title: 'title', description: 'description',
  enterprise: 'enterpriseName', 'enterprise.name': 'enterpriseName', 'enterprise.creditCode': 'creditCode', source: 'source',
  discoveredAt: 'discoveredAt', deadline: 'deadline', linkedTo: 'linkedTo',
};

/** The cell errors of an item the service rejected. */
export function errorsOfItem(e: ItemError): CellError[] {
  if ((e.code === 'invalid_hazard' || e.code === 'withdrawn_region') && Array.isArray(e.details)) {
    return (e.details as Array<{ path: string; message: string }>).map((d) => ({
      column: COLUMN[PATH_COLUMN[d.path] ?? 'id'].header,
      message: translate(d.message),
    }));
  }
  if (e.code === 'forbidden_region') return [{ column: COLUMN.regionCode.header, message: `不在本账号的管辖范围内 / ${e.message}` }];
  if (e.code === 'conflict') {
    return [{ column: COLUMN.id.header, message: `该编号已登记且内容不同（同一编号重复导入须内容一致）/ ${e.message}` }];
  }
  return [{ column: COLUMN.id.header, message: e.message }];
}

export function rejection(row: number, code: string, errors: CellError[], values: Record<string, string>, id?: string): ImportRejected {
  return {
    row,
    ...(id ? { id: id.slice(0, 64) } : {}),
    ...(errors[0] ? { column: errors[0].column } : {}),
    error: { code, message: errors.map((e) => `${e.column}：${e.message}`).join('；'), details: errors },
    values,
  };
}
