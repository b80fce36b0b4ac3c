/**
 * The WAL checkpoint thread (server/db/checkpointer.ts): its own connection to the store's file; on each message,
 * one PASSIVE checkpoint — it copies what the readers allow into the database file and fsyncs it, without waiting
 * for or blocking anyone — and the result back.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort!;
const db = new Database((workerData as { file: string }).file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
// this connection writes nothing: it must not checkpoint on its own account either
db.pragma('wal_autocheckpoint = 0');
// the writer's durability: the database file is fsynced before the WAL may be reset
db.pragma('synchronous = FULL');

port.on('message', () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    port.postMessage({ ok: true, busy: r?.busy ?? 0, log: r?.log ?? 0, checkpointed: r?.checkpointed ?? 0 });
  } catch (e) {
    port.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
  }
});
