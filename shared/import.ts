/**
 * The spreadsheet layout of the hazard ledger (隐患台账): the template, the import and the export share it,
 * and the import page uses it to write the rejected rows back in the same layout for correction.
 */
import type { BatchResult } from './schemas';

export type ColumnKey =
  | 'id' | 'regionCode' | 'sector' | 'level' | 'title' | 'description' | 'enterpriseName' | 'creditCode'
  | 'source' | 'discoveredAt' | 'deadline' | 'linkedTo';

export type Column = {
  key: ColumnKey;
  /** the header as it stands in the template and the export */
  header: string;
  en: string;
  required: boolean;
  /** other headers people write for the same column (ledgers differ from office to office) */
  aliases: readonly string[];
  /** what the 取值说明 sheet says about the column */
  note: string;
};

export const COLUMNS: readonly Column[] = [
  { key: 'id', header: '隐患编号', en: 'Hazard ID', required: true, aliases: ['编号', 'id'], note: '1–64 个字符：字母、数字及 . _ : -，在本单位内唯一；重复导入同一编号同一内容不会重复登记' },
  { key: 'regionCode', header: '所属地区', en: 'Region', required: true, aliases: ['地区', '行政区划', '行政区划代码', '区划代码', 'regionCode'], note: '县（市、区）、开发区或市的全称（如 吕梁市离石区）或 6 位行政区划代码（如 141102）；不能填全省' },
  { key: 'sector', header: '行业领域', en: 'Sector', required: true, aliases: ['行业', '行业类别', 'sector'], note: '见下方“行业领域”列表，中文名称或代码均可' },
  { key: 'level', header: '隐患级别', en: 'Level', required: true, aliases: ['级别', '隐患等级', 'level'], note: '重大隐患 / 一般隐患（也可填 重大、一般、major、general）' },
  { key: 'title', header: '隐患名称', en: 'Title', required: true, aliases: ['隐患标题', '标题', '隐患内容', 'title'], note: '1–200 字' },
  { key: 'description', header: '隐患描述', en: 'Description', required: false, aliases: ['描述', '隐患详情', 'description'], note: '不超过 4000 字' },
  { key: 'enterpriseName', header: '企业名称', en: 'Enterprise', required: false, aliases: ['单位名称', '企业', 'enterprise'], note: '不超过 200 字；填写信用代码时必填' },
  { key: 'creditCode', header: '统一社会信用代码', en: 'Credit code', required: false, aliases: ['信用代码', 'creditCode'], note: '18 位' },
  { key: 'source', header: '隐患来源', en: 'Source', required: false, aliases: ['发现方式', '来源', 'source'], note: '见下方“隐患来源”列表；留空为 部门检查' },
  { key: 'discoveredAt', header: '发现时间', en: 'Discovered at', required: true, aliases: ['发现日期', '排查时间', '排查日期', 'discoveredAt'], note: '2024-11-18 09:30、2024/11/18、2024年11月18日 或 Excel 日期；只填日期按当天 0 时（北京时间）；不能晚于现在' },
  { key: 'deadline', header: '整改期限', en: 'Deadline', required: false, aliases: ['整改时限', '整改期限日期', 'deadline'], note: '日期，格式同上；重大隐患必填' },
  { key: 'linkedTo', header: '关联隐患编号', en: 'Linked hazard', required: false, aliases: ['关联编号', 'linkedTo'], note: '复发隐患可填原隐患编号' },
];

/** Columns the export adds after the template's; the import ignores them. */
export const EXPORT_ONLY_HEADERS = ['区划代码', '状态', '是否逾期', '挂牌督办', '延期次数', '上报时间', '上报人', '更新时间', '最后操作人'] as const;

/** A rejected row: where it is in the sheet, which column is wrong, and the row's cells for correction. */
export type ImportRejected = {
  row: number;
  id?: string;
  /** the header of the first column at fault (the message names every one) */
  column?: string;
  error: { code: string; message: string; details?: unknown };
  /** the row's cells as text, keyed by the template's headers */
  values?: Partial<Record<string, string>>;
};

export type ImportResult = Omit<BatchResult, 'rejected'> & {
  /** the first rejected rows by row number (at most 1,000; cells cut to 200 characters) */
  rejected: ImportRejected[];
  /** every rejected row, listed or not */
  rejectedCount: number;
  /** data rows read (blank rows not counted) */
  rows: number;
  format: 'xlsx' | 'csv';
  encoding?: string;
  /** headers found in the file that the import does not read (remarks, the export's status columns) */
  ignoredColumns: string[];
};

/** Header text as people write it: spaces, required marks and notes in brackets do not matter. */
export const normaliseHeader = (h: string): string =>
  h.replace(/[\s*＊]/g, '').replace(/[（(][^）)]*[）)]/g, '').toLowerCase();

// ---- CSV as Excel and WPS open it ---------------------------------------------------------------------

/** Text that Excel would run as a formula gets a leading apostrophe; the import takes it off again. */
export const guardFormula = (v: string): string => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
export const unguardFormula = (v: string): string => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);

const csvField = (v: string): string => (/[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
/** One CSV record with CRLF, the line end Excel writes and expects. */
export const csvLine = (values: readonly string[]): string => `${values.map(csvField).join(',')}\r\n`;
export const CSV_BOM = '\uFEFF';
