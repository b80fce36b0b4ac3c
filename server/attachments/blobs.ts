/**
 * Evidence files, content-addressed by SHA-256: under DATA_DIR/attachments with SQLite (written to a
 * temporary name, fsynced and renamed, so an acknowledged upload survives a crash), or in the
 * `attachment_blobs` table with PostgreSQL, so every node serves every file. The same bytes are kept once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SqlPort } from '../auth/sql-port';

export const sha256Of = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export interface BlobStore {
  put(bytes: Buffer): Promise<string>;
  get(sha256: string): Promise<Buffer | null>;
}

export function blobStore(sql: SqlPort, dataDir: string): BlobStore {
  return sql.dialect === 'postgres' ? new PostgresBlobs(sql) : new FileBlobs(join(dataDir, 'attachments'));
}

class FileBlobs implements BlobStore {
  constructor(private readonly dir: string) {}

  private path(sha: string): string {
    return join(this.dir, sha.slice(0, 2), sha);
  }

  async put(bytes: Buffer): Promise<string> {
    const sha = sha256Of(bytes);
    const path = this.path(sha);
    await mkdir(join(this.dir, sha.slice(0, 2)), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
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
