/**
 * The import's .xlsx reader in a worker thread (server/import/read-xlsx-worker.ts starts it): unzip, XML and cells
 * run here, beside the main thread's ingest of the rows read before. Rows go out in batches, at most AHEAD
 * batches unacknowledged, so memory holds a few thousand rows whatever the file's length; a sheet the import
 * passed over (no header) is skipped at the main thread's word. The rows after the header are mapped here too
 * (rows.ts mapRow), the header found as the import finds it. Nothing is read before `start` (the preflight passed).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readXlsx, type SheetRow } from '../import/read-xlsx';
import { HEADER_SCAN, mapRow, matchHeader, type HeaderMap } from '../import/rows';
import { XLSX_AHEAD as AHEAD, XLSX_BATCH as BATCH, type FromXlsxWorker, type ToXlsxWorker, type WorkerRow } from '../import/xlsx-protocol';

const port = parentPort!;
const post = (m: FromXlsxWorker) => port.postMessage(m);

let credit = AHEAD;
let skipped = -1;
let wake: (() => void) | null = null;
let started = false;
port.on('message', (m: ToXlsxWorker) => {
  if (m.type === 'start') {
    const { path, tz } = workerData as { path: string; tz: string };
    if (!started) void main(path, tz);
    started = true;
    return;
  }
  if (m.type === 'ack') credit++;
  else skipped = Math.max(skipped, m.sheet);
  wake?.();
  wake = null;
});

/** The row with its mapping; a row whose mapping throws goes as it is, so that the import meets that error itself. */
function mapped(r: SheetRow, header: HeaderMap, tz: string): WorkerRow {
  try {
    return { ...r, mapped: { header: header.row, row: mapRow(r.cells, header, tz) } };
  } catch {
    return r;
  }
}

async function main(path: string, tz: string): Promise<void> {
  let sheet = -1;
  try {
    for await (const s of readXlsx(path)) {
      sheet++;
      post({ type: 'sheet', sheet, name: s.name });
      let batch: WorkerRow[] = [];
      // the import's own header scan (import.service.ts importSheet), so that the rows after it can be mapped here
      let header: HeaderMap | null = null;
      let scanned = 0;
      const send = async (): Promise<boolean> => {
        while (credit <= 0 && skipped < sheet) await new Promise<void>((r) => (wake = r));
        if (skipped >= sheet) return false;
        credit--;
        post({ type: 'rows', sheet, rows: batch });
        batch = [];
        return true;
      };
      try {
        let open = true;
        for await (const r of s.rows) {
          if (header) batch.push(mapped(r, header, tz));
          else {
            if (scanned++ < HEADER_SCAN) header = matchHeader(r.cells, r.row);
            batch.push(r);
          }
          if (batch.length >= BATCH && !(open = await send())) break;
        }
        if (open && batch.length) open = await send();
        if (open) post({ type: 'end', sheet });
      } catch (e) {
        // the rows read before the error count (read-xlsx.ts): they go first, then the error, as in-process
        if (batch.length && !(await send())) continue;
        post({ type: 'rowsError', sheet, message: e instanceof Error ? e.message : String(e) });
      }
    }
    post({ type: 'done' });
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}
