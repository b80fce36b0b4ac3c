/** Messages between the import and its .xlsx reader thread (server/workers/xlsx-worker.ts, read-xlsx-worker.ts). */
import type { SheetRow } from './read-xlsx';
import type { MappedRow } from './rows';

/** A row as the reader thread sends it: mapped (rows.ts mapRow) under the header it found at row `header`, if any. */
export type WorkerRow = SheetRow & { mapped?: { header: number; row: MappedRow } };

/** Rows per message, and messages the reader may send ahead of the import: ≤ 4,096 rows held between them. */
export const XLSX_BATCH = 512;
export const XLSX_AHEAD = 8;

export type FromXlsxWorker =
  | { type: 'sheet'; sheet: number; name: string }
  | { type: 'rows'; sheet: number; rows: WorkerRow[] }
  /** the sheet's rows are all sent */
  | { type: 'end'; sheet: number }
  /** the sheet could not be read on from here (its rows before it were sent) */
  | { type: 'rowsError'; sheet: number; message: string }
  /** every sheet was read */
  | { type: 'done' }
  /** the workbook could not be read (its zip, workbook, shared strings or styles) */
  | { type: 'error'; message: string };

export type ToXlsxWorker =
  /** the file passed the preflight: read it (the thread starts before, so that its start-up overlaps the preflight) */
  | { type: 'start' }
  /** one `rows` message taken: the reader may send another */
  | { type: 'ack' }
  /** the import passed over this sheet: read no more of it */
  | { type: 'skip'; sheet: number };
