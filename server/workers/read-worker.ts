/**
 * A read worker: its own read-only connection to the SQLite file (WAL lets it read beside the writer), one
 * task at a time. A briefing's queries run in one read transaction so they all see one state; an export
 * pages through the ledger and sends its bytes in chunks, at most WINDOW unacknowledged, so a slow client
 * slows the export instead of filling memory.
 */
import Database from 'better-sqlite3';
import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteDriver } from '../db/sqlite.driver';
import { ChainReads } from '../hazards/chain.reads';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol';
import { briefingFrom, exportFrom, listFrom, type BriefingTask, type ExportTask, type ListTask } from './read-ops';

const WINDOW = 4;
const port = parentPort!;
const setup = workerData as WorkerSetup;
const db = new Database(setup.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -32768');
// the chain store's own reads over this connection: the same SQL the writer's process would run
const repo = new ChainReads(new SqliteDriver(db));
const send = (m: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);

/** A Writable whose bytes go to the server as chunks; write callbacks wait while WINDOW chunks are unacknowledged. */
class ChunkSink extends Writable {
  private unacked = 0;
  private waiting: Array<() => void> = [];

  constructor(private readonly id: number) {
    super({ highWaterMark: 64 * 1024 });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    const data = new Uint8Array(chunk); // a copy: the chunk may be a view into a pooled buffer
    send({ type: 'chunk', id: this.id, data }, [data.buffer as ArrayBuffer]);
    if (++this.unacked < WINDOW) done();
    else this.waiting.push(() => done());
  }

  ack(): void {
    this.unacked--;
    this.waiting.shift()?.();
  }
}

let sink: ChunkSink | null = null;

async function runTask(m: Extract<ToWorker, { type: 'task' }>): Promise<unknown> {
  if (m.op === 'list') return listFrom(repo, m.args as ListTask);
  if (m.op === 'briefing') {
    db.exec('BEGIN');
    try {
      return await briefingFrom(repo, m.args as BriefingTask);
    } finally {
      db.exec('COMMIT');
    }
  }
  sink = new ChunkSink(m.id);
  try {
    return await exportFrom(repo, m.args as ExportTask, sink);
  } finally {
    sink = null;
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'ack') return sink?.ack();
  if (m.type === 'cancel') return void sink?.destroy(new Error('the client closed the connection'));
  runTask(m).then(
    (value) => send({ type: 'done', id: m.id, value }),
    (e: unknown) => {
      const err = e as { message?: string; status?: number; code?: string };
      send({ type: 'fail', id: m.id, error: { message: err.message ?? String(e), status: err.status, code: err.code } });
    },
  );
});
send({ type: 'ready' });
