/**
 * The import's former .xlsx reader, exceljs's streaming WorkbookReader, kept as the reference that
 * server/import/read-xlsx.ts is compared with (tests/unit/server/import-xlsx-reader.test.ts): the same
 * files must give the same rows, cell by cell, but for the misreadings the new reader names.
 */
import { excel } from '../../server/import/excel';
import { IMPORT_LIMITS } from '../../server/import/limits';
import type { Sheet } from '../../server/import/read-xlsx';
import type { Cell } from '../../server/import/values';

type RichText = { richText: Array<{ text?: string }> };

/** exceljs cell values (rich text, formulas, hyperlinks, errors) as plain cells. */
export function plainCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v !== 'object') return String(v);
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.richText)) return (o as RichText).richText.map((r) => r.text ?? '').join('');
  if ('result' in o) return plainCell(o.result);
  if ('formula' in o || 'sharedFormula' in o) return null; // a formula never calculated: no value saved
  if ('text' in o) return plainCell(o.text);
  if ('error' in o) return String(o.error);
  return null;
}

export function rowCells(values: unknown): Cell[] {
  // exceljs row.values is 1-based and sparse
  const out: Cell[] = [];
  if (!Array.isArray(values)) return out;
  // one past the limit, so that a header wider than the limit is seen (and refused)
  const end = Math.min(values.length, IMPORT_LIMITS.maxColumns + 2);
  for (let i = 1; i < end; i++) out.push(plainCell(values[i]));
  return out;
}

/** The worksheets of the workbook at `path`, in exceljs's order; each sheet's rows stream as they are read. */
export async function* readXlsxExceljs(path: string): AsyncGenerator<Sheet> {
  const reader = new (excel().WorkbookReader)(path, {
    worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore',
  });
  for await (const ws of reader) {
    const sheet = ws as unknown as AsyncIterable<{ number: number; values: unknown }> & { name?: string };
    yield {
      name: sheet.name ?? '',
      rows: (async function* () {
        for await (const r of sheet) yield { row: r.number, cells: rowCells(r.values) };
      })(),
    };
  }
}
