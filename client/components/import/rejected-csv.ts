/**
 * The rejected rows as a spreadsheet to correct: the template's columns with the cells as they were sent,
 * then the original row number, the column at fault and the reason. The import ignores the last three
 * columns, so the corrected file goes straight back in.
 */
import { COLUMNS, CSV_BOM, csvLine, guardFormula, type ImportRejected } from '../../../shared/import';
import { download } from '../../lib/download';

export const EXTRA_HEADERS = ['原行号', '错误列', '错误原因'] as const;

export function rejectedCsv(rejected: readonly ImportRejected[]): string {
  let out = CSV_BOM + csvLine([...COLUMNS.map((c) => c.header), ...EXTRA_HEADERS]);
  for (const r of rejected) {
    const cells = COLUMNS.map((c) => guardFormula(r.values?.[c.header] ?? ''));
    out += csvLine([...cells, String(r.row), r.column ?? '', r.error.message]);
  }
  return out;
}

/** Saves text as a file through a temporary link (no server round trip). */
export function saveText(text: string, name: string, type = 'text/csv;charset=utf-8'): void {
  download(new Blob([text], { type }), name);
}
