/**
 * readXlsx (read-xlsx.ts) run in a worker thread (server/workers/xlsx-worker.ts), with the same sheets, rows and
 * errors: the unzip, XML and cell reading of a large workbook then run on the other core while the import's main
 * thread validates and stores the rows read before, instead of taking turns with it on the event loop. The
 * reader runs ahead by at most XLSX_AHEAD batches; leaving the sheets early (a limit broken, the header found)
 * stops the thread. The thread also finds the header (rows.ts matchHeader over the first HEADER_SCAN rows, as the
 * import does) and maps the rows after it (mapRow), so that mapping too runs beside the ingest; each mapped row
 * names the header row it was mapped under, and the import maps the row itself when its own header is another.
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers/spawn';
import type { Sheet, SheetRow } from './read-xlsx';
import type { FromXlsxWorker, ToXlsxWorker, WorkerRow } from './xlsx-protocol';

/** What a row may carry from the reader thread: its mapping (the import uses it when it found the same header). */
export type Premapped = Pick<WorkerRow, 'mapped'>;

/** A reader that runs away (a pathological workbook) stops at this heap instead of growing the server's. */
const HEAP_MB = 256;

type Inbox = { next(): Promise<FromXlsxWorker> };

function inbox(w: Worker): Inbox {
  const queue: FromXlsxWorker[] = [];
  let waiting: (() => void) | null = null;
  let ended: Error | null = null;
  const push = (m: FromXlsxWorker) => {
    queue.push(m);
    waiting?.();
    waiting = null;
  };
  w.on('message', push);
  w.on('error', (e) => {
    ended ??= e;
    waiting?.();
  });
  w.on('exit', (code) => {
    ended ??= new Error(`the .xlsx reader stopped (exit ${code})`);
    waiting?.();
  });
  return {
    async next() {
      for (;;) {
        const m = queue.shift();
        if (m) return m;
        if (ended) throw ended;
        await new Promise<void>((r) => (waiting = r));
      }
    },
  };
}

export type OffThreadReader = {
  /** What readXlsx(path) gives, in the same order; reading begins at the first call of its next(). */
  sheets: AsyncGenerator<Sheet & { rows: AsyncIterable<SheetRow & Premapped> }>;
  /** Stops the thread (when the sheets are not read: the preflight refused the file). */
  close(): Promise<void>;
};

/**
 * A reader thread for the workbook at `path`, started now so that its start-up overlaps the preflight; it reads
 * nothing until `sheets` is first asked for a sheet.
 */
export function openXlsxOffThread(path: string, tz: string): OffThreadReader {
  const w = spawnWorker('xlsx-worker', { workerData: { path, tz }, resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
  const box = inbox(w);
  return { sheets: sheetsOf(w, box), close: async () => void (await w.terminate()) };
}

async function* sheetsOf(w: Worker, box: Inbox): AsyncGenerator<Sheet & { rows: AsyncIterable<WorkerRow> }> {
  const post = (m: ToXlsxWorker) => w.postMessage(m);
  post({ type: 'start' });
  try {
    for (;;) {
      let m = await box.next();
      // what is left of a sheet the import did not read to its end
      while (m.type === 'rows' || m.type === 'end' || m.type === 'rowsError') {
        if (m.type === 'rows') post({ type: 'ack' });
        m = await box.next();
      }
      if (m.type === 'done') return;
      if (m.type === 'error') throw new Error(m.message);
      const sheet = m.sheet;
      let finished = false;
      async function* rows(): AsyncGenerator<WorkerRow> {
        for (;;) {
          const r = await box.next();
          if (r.type === 'rows') {
            post({ type: 'ack' });
            yield* r.rows;
          } else if (r.type === 'end') {
            finished = true;
            return;
          } else if (r.type === 'rowsError') {
            finished = true;
            throw new Error(r.message);
          } else throw new Error(`the .xlsx reader sent ${r.type} inside a sheet`);
        }
      }
      yield { name: m.name, rows: rows() };
      if (!finished) post({ type: 'skip', sheet });
    }
  } finally {
    await w.terminate();
  }
}
