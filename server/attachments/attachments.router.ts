/**
 * Rectification evidence: POST /api/v1/hazards/:id/attachments (multipart field `file`: JPEG, PNG or
 * PDF up to 10 MB, the type judged by the leading bytes, never by the name or the header) stores the
 * bytes content-addressed and appends an `evidence` change carrying the SHA-256 to the hazard's
 * history. The history is the attachment's only metadata: GET …/attachments/:aid finds it there, in the
 * reader's scope, and serves the bytes only if they still hash to what the chain says.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Router } from 'express';
import { requireWriter } from '../auth/auth';
import { ServiceError } from '../errors';
import type { HazardService } from '../hazards/hazards.service';
import { evidence, type EvidenceRef } from '../hazards/workflow';
import { asyncRoute } from '../http/middleware';
import { receiveUpload } from '../import/upload';
import { sha256Of, type BlobStore } from './blobs';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

const MAGIC: Array<{ type: string; ext: string; bytes: number[] }> = [
  { type: 'image/jpeg', ext: 'jpg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/png', ext: 'png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'application/pdf', ext: 'pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
];

export const sniffType = (b: Buffer) => MAGIC.find((m) => m.bytes.every((x, i) => b[i] === x)) ?? null;

/** A file name safe to store and to send back: no path, no control characters, at most 200 characters. */
function cleanName(name: string, ext: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  return clean || `evidence.${ext}`;
}

const ID_RE = /^att_[0-9a-f]{16}$/;

export function attachmentsRouter(service: HazardService, blobs: BlobStore): Router {
  const r = Router();

  r.post('/:id/attachments', asyncRoute(async (req, res) => {
    const auth = req.auth!;
    requireWriter(auth);
    const id = String(req.params.id);
    await service.get(id, auth); // 404 / 403 before the body is read
    const upload = await receiveUpload(req, MAX_ATTACHMENT_BYTES);
    try {
      const bytes = await readFile(upload.path);
      const kind = sniffType(bytes);
      if (!kind) throw new ServiceError(415, 'unsupported_type', 'evidence must be a JPEG, PNG or PDF file (judged by its content)');
      const sha256 = await blobs.put(bytes);
      const ref: EvidenceRef = { id: `att_${randomBytes(8).toString('hex')}`, sha256, name: cleanName(upload.filename, kind.ext), size: bytes.length, type: kind.type };
      await service.mutate(id, auth, evidence(ref));
      res.status(201).json(ref);
    } finally {
      await upload.cleanup();
    }
  }));

  r.get('/:id/attachments/:aid', asyncRoute(async (req, res) => {
    const aid = String(req.params.aid);
    if (!ID_RE.test(aid)) throw new ServiceError(404, 'not_found', `no attachment ${aid}`);
    const h = await service.get(String(req.params.id), req.auth!);
    const entry = h.history?.find((e) => e.kind === 'evidence' && e.data.attachment === aid);
    if (!entry) throw new ServiceError(404, 'not_found', `no attachment ${aid} on hazard ${h.id}`);
    const ref = entry.data as unknown as EvidenceRef;
    const bytes = await blobs.get(ref.sha256);
    if (!bytes) throw new ServiceError(404, 'attachment_missing', `the file of attachment ${aid} is not in the store`);
    if (sha256Of(bytes) !== ref.sha256) throw new ServiceError(409, 'attachment_altered', `the stored file of attachment ${aid} no longer matches the SHA-256 in the history`);
    res.setHeader('Content-Type', ref.type);
    // images open in the drawer; a PDF is downloaded, never rendered inside this origin
    const disposition = ref.type === 'application/pdf' ? 'attachment' : 'inline';
    res.setHeader('Content-Disposition', `${disposition}; filename="${ref.id}"; filename*=UTF-8''${encodeURIComponent(ref.name)}`);
    res.setHeader('X-Content-SHA256', ref.sha256);
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.send(bytes);
  }));
  return r;
}
