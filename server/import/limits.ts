/**
 * How much one import may be: each limit is named in the answer that refuses a file, so the person
 * uploading knows what to split or fix. docs/API.md "Import limits" lists them; docs/SECURITY.md says why.
 */
import { ServiceError } from '../errors';

export const IMPORT_LIMITS = {
  /** data rows per file (blank rows not counted); title rows and the header are allowed on top */
  maxRows: 100_000,
  /** columns per row; a wider row (a CSV record, an .xlsx header) is refused */
  maxColumns: 100,
  /** Excel's own limit for one cell */
  maxCellChars: 32_767,
  /** rejected rows listed in the answer (the first ones by row; `rejectedCount` has them all) */
  maxRejectedListed: 1000,
  /** characters of each cell echoed back in a rejected row */
  maxEchoChars: 200,
  /** entries of an .xlsx zip */
  maxZipEntries: 1000,
  /** one zip entry, inflated: a 100,000-row sheet is well under this */
  maxEntryBytes: 256 * 1024 * 1024,
  /** all zip entries, inflated */
  maxTotalBytes: 512 * 1024 * 1024,
  /** distinct strings in the workbook's shared-strings table (held in memory while the sheet is read) */
  maxSharedStrings: 1_000_000,
  /** imports running at once on one node; more get 429 */
  maxConcurrent: 3,
} as const;

const n = (v: number) => v.toLocaleString('en-US');

export const tooManyRows = () =>
  new ServiceError(413, 'too_many_rows', `文件超过 ${n(IMPORT_LIMITS.maxRows)} 行，请拆分后分批导入 / more than ${n(IMPORT_LIMITS.maxRows)} rows: split the file`, { limit: IMPORT_LIMITS.maxRows });

export const tooManyColumns = (got: number) =>
  new ServiceError(400, 'too_many_columns', `有一行超过 ${IMPORT_LIMITS.maxColumns} 列（${n(got)}+ 列）/ a row has ${n(got)}+ columns, more than ${IMPORT_LIMITS.maxColumns}`, { limit: IMPORT_LIMITS.maxColumns });

export const cellTooLong = (row?: number) =>
  new ServiceError(413, 'cell_too_long', `${row ? `第 ${row} 行` : ''}单元格超过 ${n(IMPORT_LIMITS.maxCellChars)} 字 / a cell${row ? ` in row ${row}` : ''} is longer than ${n(IMPORT_LIMITS.maxCellChars)} characters`, { limit: IMPORT_LIMITS.maxCellChars });

export const tooLargeInflated = (what: string, limit: number) =>
  new ServiceError(413, 'too_large_uncompressed', `工作簿解压后过大：${what}（上限 ${n(limit)}）/ the workbook is too large when unpacked: ${what} (limit ${n(limit)})`, { limit });

/** Cuts echoed text to the limit, saying so. */
export const echo = (s: string): string => (s.length > IMPORT_LIMITS.maxEchoChars ? `${s.slice(0, IMPORT_LIMITS.maxEchoChars)}…` : s);
