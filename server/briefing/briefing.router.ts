/** GET /api/v1/briefing?region=&from=&to=&lang= (viewer+, in scope; days inclusive in TZ_REGION). */
import { Router } from 'express';
import { z } from 'zod';
import { LANGS } from '../../shared/briefing';
import { RegionCodeSchema } from '../../shared/schemas';
import type { BriefingService } from './briefing.service';
import { asyncRoute } from '../http/middleware';
import { parseOr400 } from '../http/validate';

const day = z.iso.date({ message: 'must be a date YYYY-MM-DD' });

export const BriefingQuerySchema = z.strictObject({
  region: RegionCodeSchema.optional(),
  from: day.optional(),
  to: day.optional(),
  lang: z.enum(LANGS).default('zh'),
});

export function briefingRouter(briefings: BriefingService): Router {
  const r = Router();
  r.get('/briefing', asyncRoute(async (req, res) => {
    const q = parseOr400(BriefingQuerySchema, req.query, 'query');
    res.json(await briefings.briefing(q, req.auth!));
  }));
  return r;
}
