/**
 * Evidence files, content-addressed by SHA-256: under DATA_DIR/attachments with SQLite (written to a
 * temporary name, fsynced, renamed, and the directory fsynced — the rename is an entry of the directory, so
 * without that a crash can lose an acknowledged upload whose bytes were on disk; a new shard directory's own
 * entry is synced in its parent the same way), or in the
 * `attachment_blobs` table with PostgreSQL, so every node serves every file. The same bytes are kept once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SqlPort } from '../auth/sql-port';

export const sha256Of = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export interface BlobStore {
  put(bytes: Buffer): Promise<string>;
  get(sha256: string): Promise<Buffer | null>;
}

export function blobStore(sql: SqlPort, dataDir: string): BlobStore {
  return sql.dialect === 'postgres' ? new PostgresBlobs(sql) : new FileBlobs(join(dataDir, 'attachments'));
}

/** fsync of a directory: makes the names created, renamed or removed in it durable (POSIX; not on Windows). */
async function syncDir(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * mkdir -p that keeps the file system's errno: Node's recursive mkdir reports a read-only file system as ENOENT,
 * which would hide the fault the HTTP layer answers 503 storage_read_only (server/db/storage-fault.ts). Each
 * directory it creates is made durable in its parent.
 */
async function ensureDir(path: string): Promise<void> {
  try {
    await mkdir(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT') throw e;
    await ensureDir(dirname(path));
    try {
      await mkdir(path);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'EEXIST') return;
      throw again;
    }
  }
  await syncDir(dirname(path));
}

class FileBlobs implements BlobStore {
  constructor(private readonly dir: string) {}

  private path(sha: string): string {
    return join(this.dir, sha.slice(0, 2), sha);
  }

  async put(bytes: Buffer): Promise<string> {
    const sha = sha256Of(bytes);
    const path = this.path(sha);
    await ensureDir(join(this.dir, sha.slice(0, 2)));
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    // a full or failing disk leaves no partial file behind: the temporary name is removed on any failure
    try {
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    // durable before acknowledged: the new name is only on disk once its directory is
    await syncDir(dirname(path));
    return sha;
  }

  async get(sha: string): Promise<Buffer | null> {
    if (!/^[0-9a-f]{64}$/.test(sha)) return null;
    try {
      return await readFile(this.path(sha));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }
}

class PostgresBlobs implements BlobStore {
  constructor(private readonly sql: SqlPort) {}

  async put(bytes: Buffer): Promise<string> {
    const sha = sha256Of(bytes);
    await this.sql.run('INSERT INTO attachment_blobs (sha256, bytes) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING', [sha, bytes]);
    return sha;
  }

  async get(sha: string): Promise<Buffer | null> {
    const [r] = await this.sql.all<{ bytes: Buffer }>('SELECT bytes FROM attachment_blobs WHERE sha256 = ?', [sha]);
    return r?.bytes ?? null;
  }
}
