/**
 * From sheet rows to Hazard inputs: finding the header row, reading each row's cells by column, and
 * naming the column of every reason a row is rejected. The HazardInput schema stays the authority: a row
 * that reads cleanly still goes through HazardService.ingest, and its reasons are mapped back to columns.
 */
import { COLUMNS, normaliseHeader, type Column, type ColumnKey, type ImportRejected } from '../../shared/import';
import { DATE_FLOOR, type IssueDetail } from '../../shared/schemas';
import type { ItemError } from '../hazards/hazards.service';
import { echo } from './limits';
import { cellText, parseDay, parseInstant, parseLevel, parseRegion, parseSector, parseSource, type Cell, type Parsed } from './values';

export type HeaderMap = { row: number; index: Map<ColumnKey, number>; ignored: string[]; width: number };
export type CellError = { column: string; message: string };
export type MappedRow =
  | { kind: 'empty' }
  | { kind: 'bad'; id?: string; errors: CellError[]; values: Record<string, string> }
  | { kind: 'ok'; raw: Record<string, unknown> };

const BY_HEADER = new Map<string, Column>();
for (const c of COLUMNS) for (const h of [c.header, ...c.aliases]) BY_HEADER.set(normaliseHeader(h), c);
const COLUMN = Object.fromEntries(COLUMNS.map((c) => [c.key, c])) as Record<ColumnKey, Column>;

/** Title rows above the header (a ledger's name, a date) are allowed; the header is found in the first rows. */
export const HEADER_SCAN = 10;

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
  return index.has('id') && index.size >= 3 ? { row, index, ignored, width: cells.length } : null;
}

export const missingColumns = (h: HeaderMap): Column[] => COLUMNS.filter((c) => c.required && !h.index.has(c.key));

const REQUIRED = '必填 / required';

/** How each template column becomes a field of the Hazard input (enterprise name and code are joined after). */
type Reader = (c: Cell, text: string, tz: string) => Parsed<unknown>;
const asText: Reader = (_c, t) => ({ ok: true, value: t });
const READERS: Array<[ColumnKey, Reader]> = [
  ['id', asText],
  ['regionCode', (c, t) => parseRegion(c, t)],
  ['sector', (_c, t) => parseSector(t)],
  ['level', (_c, t) => parseLevel(t)],
  ['title', asText],
  ['description', asText],
  ['source', (_c, t) => parseSource(t)],
  ['discoveredAt', (c, t, tz) => parseInstant(c, tz, t)],
  ['deadline', (c, t) => parseDay(c, t)],
  ['linkedTo', asText],
];

const cellOf = (cells: readonly Cell[], h: HeaderMap, k: ColumnKey): Cell => {
  const i = h.index.get(k);
  return i === undefined ? undefined : cells[i];
};

/** The row's cells as text, keyed by the template's headers (for the rejected-rows table and download). */
export function valuesOf(cells: readonly Cell[], h: HeaderMap): Record<string, string> {
  const values: Record<string, string> = {};
  for (const c of COLUMNS) if (h.index.has(c.key)) values[c.header] = echo(cellText(cellOf(cells, h, c.key)));
  return values;
}

/** Reads one data row; cells that cannot be read are named with their column and reason. */
export function mapRow(cells: readonly Cell[], h: HeaderMap, tz: string): MappedRow {
  const texts = new Map<ColumnKey, string>();
  let blank = true;
  for (const [k, i] of h.index) {
    const t = cellText(cells[i]);
    if (t) blank = false;
    texts.set(k, t);
  }
  if (blank) return { kind: 'empty' };

  const errors: CellError[] = [];
  const raw: Record<string, unknown> = {};
  for (const [k, read] of READERS) {
    const t = texts.get(k) ?? '';
    if (!t) {
      if (COLUMN[k].required) errors.push({ column: COLUMN[k].header, message: REQUIRED });
      continue;
    }
    const p = read(cells[h.index.get(k)!], t, tz);
    if (p.ok) raw[k] = p.value;
    else errors.push({ column: COLUMN[k].header, message: p.message });
  }
  const name = texts.get('enterpriseName') ?? '';
  const creditCode = (texts.get('creditCode') ?? '').toUpperCase();
  if (name || creditCode) raw.enterprise = { name, ...(creditCode ? { creditCode } : {}) };

  const id = texts.get('id') || undefined;
  return errors.length ? { kind: 'bad', ...(id ? { id } : {}), errors, values: valuesOf(cells, h) } : { kind: 'ok', raw };
}

/**
 * The schema's reasons in Chinese first (the schema speaks English to API clients), chosen by what each
 * issue is — its zod code and the rule or format it names — never by its English wording.
 */
const BY_RULE: Record<string, string> = {
  future: '晚于当前时间',
  major_deadline: '重大隐患必须填写整改期限',
  deadline_before: '早于发现时间',
  unknown_region: '未知的行政区划代码',
  not_province: '应填县（市、区）或市，不能填全省',
  credit_check: '统一社会信用代码校验位不正确（GB 32100）',
  control_char: '含有控制字符（描述中只允许换行和制表符）',
  lone_surrogate: '含有无效的字符编码（孤立的代理项）',
  invisible_only: '只有不可见字符',
  date_floor: `早于 ${DATE_FLOOR}`,
};
const BY_FORMAT: Record<string, string> = { datetime: '时间格式不正确', date: '日期格式不正确' };

function reasonOf(d: IssueDetail): string {
  if (d.rule && BY_RULE[d.rule]) return BY_RULE[d.rule]!;
  switch (d.code) {
    case 'too_big':
      return `不能超过 ${d.limit} 字`;
    case 'too_small':
      return '必填';
    case 'invalid_format':
      if (d.format === 'regex') return d.path.endsWith('creditCode') ? '应为 18 位统一社会信用代码' : '应为 1–64 个字母、数字或 . _ : -';
      return BY_FORMAT[d.format ?? ''] ?? '格式不正确';
    case 'invalid_value':
      return '不是可选的值';
    case 'invalid_type':
      return '类型不正确';
    default:
      return '不符合要求';
  }
}
// a withdrawn region's message already names its successor in Chinese first
const translate = (d: IssueDetail): string => (d.rule === 'withdrawn_region' ? d.message : `${reasonOf(d)} / ${d.message}`);

const PATH_COLUMN: Record<string, ColumnKey> = {
  id: 'id', regionCode: 'regionCode', sector: 'sector', level: 'level', title: 'title', description: 'description',
  enterprise: 'enterpriseName', 'enterprise.name': 'enterpriseName', 'enterprise.creditCode': 'creditCode', source: 'source',
  discoveredAt: 'discoveredAt', deadline: 'deadline', linkedTo: 'linkedTo',
};

/** The cell errors of an item the service rejected. */
export function errorsOfItem(e: ItemError): CellError[] {
  if ((e.code === 'invalid_hazard' || e.code === 'withdrawn_region') && Array.isArray(e.details)) {
    return (e.details as IssueDetail[]).map((d) => ({ column: COLUMN[PATH_COLUMN[d.path] ?? 'id'].header, message: translate(d) }));
  }
  if (e.code === 'forbidden_region') return [{ column: COLUMN.regionCode.header, message: `不在本账号的管辖范围内 / ${e.message}` }];
  if (e.code === 'conflict') {
    return [{ column: COLUMN.id.header, message: `该编号已登记且内容不同（同一编号重复导入须内容一致）/ ${e.message}` }];
  }
  return [{ column: COLUMN.id.header, message: e.message }];
}

export function rejection(row: number, code: string, all: CellError[], values: Record<string, string>, id?: string): ImportRejected {
  // a reason may quote its cell: quoted at most a few hundred characters, as the values are
  const errors = all.slice(0, 20).map((e) => ({ column: e.column, message: e.message.length > 600 ? `${e.message.slice(0, 600)}…` : e.message }));
  return {
    row,
    ...(id ? { id: id.slice(0, 64) } : {}),
    ...(errors[0] ? { column: errors[0].column } : {}),
    error: { code, message: errors.map((e) => `${e.column}：${e.message}`).join('；'), details: errors },
    values,
  };
}
