/**
 * /api/v1/hazards/import, /hazards/import/template.xlsx and /hazards/export. Mounted before the hazards
 * router, whose /hazards/:id would otherwise take "export" for an id.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { regionName } from '../../shared/regions';
import { ListQuerySchema } from '../../shared/schemas';
import { dayOf } from '../../shared/time';
import type { AppContext } from '../app';
import { readRegion, requireWriter } from '../auth/auth';
import { parseOr400 } from '../http/validate';
import { asyncRoute } from '../http/middleware';
import { contentDisposition } from './export';
import { importFile } from './import.service';
import { IMPORT_LIMITS } from './limits';
import { ServiceError } from '../errors';
import { sniff } from './sniff';
import { buildTemplate } from './template';
import { receiveUpload } from './upload';

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const ExportQuerySchema = ListQuerySchema.omit({ limit: true, cursor: true }).extend({
  format: z.enum(['csv', 'xlsx']).default('csv'),
});

const auth = (req: Request) => req.auth!;

export function importRouter(ctx: AppContext): Router {
  const { service, config } = ctx;
  // the same per-token budget as the JSON intake (shared by every node with REDIS_URL; admin tokens are never limited)
  const limiter = ctx.ingest;
  let template: Promise<Buffer> | null = null;
  const r = Router();

  r.get('/hazards/import/template.xlsx', asyncRoute(async (req, res) => {
    requireWriter(auth(req));
    template ??= buildTemplate();
    const buf = await template;
    res.setHeader('Content-Type', XLSX_TYPE);
    res.setHeader('Content-Disposition', contentDisposition('隐患台账导入模板.xlsx', 'hazard-import-template.xlsx'));
    res.send(buf);
  }));

  // an import holds a file on disk, a parser and a chunk of rows: a few at a time per node, the next gets 429
  let running = 0;
  const setRunning = (n: number) => {
    running = n;
    ctx.metrics.importsRunning.set(n);
  };
  r.post('/hazards/import', asyncRoute(async (req, res) => {
    requireWriter(auth(req));
    if (running >= IMPORT_LIMITS.maxConcurrent) {
      res.setHeader('Retry-After', '5');
      throw new ServiceError(429, 'import_busy', `本节点已有 ${running} 个导入在进行，请稍后重试 / ${running} imports are running on this node (at most ${IMPORT_LIMITS.maxConcurrent}); retry shortly`);
    }
    setRunning(running + 1);
    const upload = await receiveUpload(req, MAX_UPLOAD_BYTES).catch((e: unknown) => {
      setRunning(running - 1);
      throw e;
    });
    try {
      const kind = await sniff(upload.path);
      const t0 = Date.now();
      const result = await importFile(upload.path, kind, auth(req), { service, tz: config.TZ_REGION, limiter });
      ctx.log.info({ file: upload.filename, bytes: upload.size, rows: result.rows, accepted: result.accepted, ms: Date.now() - t0 }, 'import');
      res.json(result);
    } finally {
      setRunning(running - 1);
      await upload.cleanup();
    }
  }));

  r.get('/hazards/export', asyncRoute(async (req, res) => {
    const { format, ...q } = parseOr400(ExportQuerySchema, req.query, 'query');
    const region = readRegion(auth(req), q.region);
    const day = dayOf(Date.now(), config.TZ_REGION).replaceAll('-', '');
    res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE);
    res.setHeader('Content-Disposition', contentDisposition(`隐患台账_${regionName(region)}_${day}.${format}`, `hazards-${region}-${day}.${format}`));
    res.setHeader('Cache-Control', 'no-store');
    const t0 = Date.now();
    // in a read worker (SQLite) or under the export limit (PostgreSQL): streamed with back-pressure
    const rows = await ctx.reads.exportTo({ format, filter: { ...q, region }, today: service.today }, res);
    ctx.log.info({ region, format, rows, ms: Date.now() - t0 }, 'export');
  }));
  return r;
}
