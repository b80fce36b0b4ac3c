/**
 * Storage faults, named in one place: a full disk, a read-only data directory or an I/O error, whether
 * SQLite, PostgreSQL or the file system (evidence files) says so. The HTTP layer answers them 507
 * `storage_full` or 503 `storage_read_only` / `storage_error` with Retry-After instead of 500 `internal`
 * (docs/API.md, docs/SECURITY.md): the failing transaction was rolled back, reads keep working, and the
 * same request succeeds once an operator has freed space or made the directory writable again — nothing
 * is cached that would need a restart.
 */
import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceError } from '../errors';

export type StorageFault = 'full' | 'read_only' | 'io';

/** What an operator must do takes minutes, not seconds: clients retry slowly. */
const FULL_RETRY_MS = 60_000;
const READ_ONLY_RETRY_MS = 60_000;
const IO_RETRY_MS = 10_000;

/** errno of the file system (fs.promises on the evidence store). */
const ERRNO: Record<string, StorageFault> = { ENOSPC: 'full', EDQUOT: 'full', EROFS: 'read_only', EIO: 'io' };
/** PostgreSQL SQLSTATEs: 53100 disk_full, 25006 read_only_sql_transaction (a standby, default_transaction_read_only), 58030 io_error. */
const PG_STATES: Record<string, StorageFault> = { '53100': 'full', '25006': 'read_only', '58030': 'io' };

/**
 * SQLite's codes (better-sqlite3 `err.code`): SQLITE_FULL; SQLITE_READONLY and its extended codes; SQLITE_IOERR_*
 * and SQLITE_CANTOPEN say only "I/O failed" — a disk that filled while the WAL index grew, or a file system that
 * the kernel turned read-only after an error (its writes fail with EROFS, which SQLite reports as SQLITE_IOERR_WRITE).
 */
function sqliteFault(code: string): StorageFault | 'probe' | null {
  if (code === 'SQLITE_FULL') return 'full';
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_')) return 'read_only';
  if (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_') || code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_CANTOPEN_')) return 'probe';
  return null;
}

/**
 * Looks at the data directory itself by creating (and removing) a small file in it: the errno says full or
 * read-only. Asking access(2) is not enough: ext4 that stopped writing after an error (errors=remount-ro)
 * still reports a writable mount, and only a real write gets EROFS.
 */
export function probeDirectory(dir: string): StorageFault {
  const probe = join(dir, `.hz-write-probe-${process.pid}`);
  try {
    writeFileSync(probe, 'x', { flush: true });
    rmSync(probe, { force: true });
  } catch (e) {
    rmSync(probe, { force: true });
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'EACCES' || code === 'EPERM') return 'read_only';
    const known = ERRNO[code];
    if (known) return known;
  }
  try {
    if (statfsSync(dir).bavail === 0) return 'full';
  } catch {
    // the directory cannot even be examined: an I/O error
  }
  return 'io';
}

/** The storage fault an error is (its cause chain followed a few steps), or null for any other error. */
export function storageFaultOf(err: unknown, dataDir?: string): StorageFault | null {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code } = e as { code?: unknown };
    if (typeof code === 'string') {
      const known = ERRNO[code] ?? PG_STATES[code];
      if (known) return known;
      const sqlite = sqliteFault(code);
      if (sqlite === 'probe') return dataDir ? probeDirectory(dataDir) : 'io';
      if (sqlite) return sqlite;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

const AGAIN = 'the write that failed was rolled back (an import keeps the chunks stored before it) and reads keep working; send it again once that is fixed (what is sent again is recognised by its ids and stored once)';

/** The answer to a storage fault: 507 storage_full, 503 storage_read_only or 503 storage_error, each with Retry-After. */
function storageFaultError(fault: StorageFault): ServiceError {
  switch (fault) {
    case 'full':
      return new ServiceError(507, 'storage_full', `存储空间已满 / the server's disk is full: ${AGAIN}`, undefined, FULL_RETRY_MS);
    case 'read_only':
      return new ServiceError(503, 'storage_read_only', `数据目录只读 / the server's data directory is read-only: ${AGAIN}`, undefined, READ_ONLY_RETRY_MS);
    case 'io':
      return new ServiceError(503, 'storage_error', `存储读写出错 / the server's disk reported an I/O error: ${AGAIN}`, undefined, IO_RETRY_MS);
  }
}

const AT_START: Record<StorageFault, string> = {
  full: 'its disk is full: free space, then start again',
  read_only: 'the directory is read-only: SQLite writes its WAL files beside the database even to read; make it writable, then start again',
  io: 'the disk reported an I/O error',
};

/** Why the store's file cannot be opened, in words for the operator, or null when that is no storage fault. */
export function storageFaultAtStart(err: unknown, dir: string): string | null {
  const fault = storageFaultOf(err, dir);
  return fault ? `cannot open the store in ${dir}: ${AT_START[fault]} (${(err as { code?: string }).code ?? String(err)})` : null;
}

/** A storage fault as its ServiceError, or null: what every catch that would otherwise answer 500 asks first. */
export function asStorageFault(err: unknown, dataDir?: string): ServiceError | null {
  const fault = storageFaultOf(err, dataDir);
  return fault ? storageFaultError(fault) : null;
}
