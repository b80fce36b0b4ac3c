/**
 * The multipart upload, spooled to a temporary file before anything is imported: a file over the size
 * limit is refused whole (no half-imported ledger), and the type is judged from the bytes on disk.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request } from 'express';
import { asStorageFault } from '../db/storage-fault';
import { ServiceError } from '../errors';

export type Upload = { path: string; filename: string; size: number; cleanup(): Promise<void> };

export const UPLOAD_FIELD = 'file';

function parseError(e: unknown): ServiceError {
  if (e instanceof ServiceError) return e;
  // the spool's disk full (or read-only) is the server's fault, not a malformed upload: 507 / 503
  const storage = asStorageFault(e);
  if (storage) return storage;
  const message = e instanceof Error ? e.message : String(e);
  return new ServiceError(400, 'malformed_multipart', `the upload could not be read: ${message}`);
}

/** Receives field `file` into a temporary directory; the caller must call cleanup(). */
export async function receiveUpload(req: Request, maxBytes: number): Promise<Upload> {
  if (!req.is('multipart/form-data')) {
    throw new ServiceError(415, 'unsupported_media_type', `send the spreadsheet as multipart/form-data in the field "${UPLOAD_FIELD}"`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'hz-import-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const received = await new Promise<{ path: string; filename: string; truncated: boolean } | null>((resolve, reject) => {
      let bb: busboy.Busboy;
      try {
        bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fileSize: maxBytes, files: 1, fields: 20, parts: 25 } });
      } catch (e) {
        return reject(parseError(e));
      }
      let saving: Promise<{ path: string; filename: string; truncated: boolean }> | null = null;
      bb.on('file', (name, stream, info) => {
        if (name !== UPLOAD_FIELD || saving) return void stream.resume();
        const path = join(dir, 'upload');
        let truncated = false;
        stream.on('limit', () => {
          truncated = true;
        });
        saving = pipeline(stream, createWriteStream(path)).then(() => ({ path, filename: info.filename ?? '', truncated }));
        // the spool failing (its disk full) is answered at once: busboy would wait for ever on the destroyed file
        // stream and never close, holding the request (and an import slot) open; the rest of the body is drained
        saving.catch((e: unknown) => {
          req.unpipe(bb);
          req.resume();
          reject(parseError(e));
        });
      });
      bb.on('error', (e) => reject(parseError(e)));
      bb.on('close', () => {
        if (!saving) return resolve(null);
        saving.then(resolve, (e: unknown) => reject(parseError(e)));
      });
      req.on('aborted', () => reject(new ServiceError(400, 'aborted', 'the upload was interrupted')));
      req.pipe(bb);
    });
    if (!received) throw new ServiceError(400, 'missing_file', `no file in the field "${UPLOAD_FIELD}"`);
    if (received.truncated) {
      throw new ServiceError(413, 'too_large', `文件超过 ${Math.round(maxBytes / 1024 / 1024)} MB / the file is larger than ${maxBytes} bytes`);
    }
    const { size } = await stat(received.path);
    return { path: received.path, filename: received.filename, size, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
