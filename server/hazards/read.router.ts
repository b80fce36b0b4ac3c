/** Read models: the session, summaries, trends, the chain head. */
import { Router } from 'express';
import { z } from 'zod';
import { RegionCodeSchema, RegionQuerySchema } from '../../shared/schemas';
import type { HazardService } from './hazards.service';
import { ServiceError } from '../errors';
import { asyncRoute } from '../http/middleware';
import { parseOr400 } from '../http/validate';

export const TrendQuerySchema = z.strictObject({
  region: RegionCodeSchema.optional(),
  days: z.coerce.number().int().min(1).max(366).default(30),
});

export function readRouter(service: HazardService, opts: { demo: boolean; tz: string; campaignStart: string; chainHead: () => Promise<{ seq: number; hash: string }> }): Router {
  const r = Router();
  r.get('/session', (req, res) => {
    res.json({ ...req.auth, demo: opts.demo, tz: opts.tz, campaignStart: opts.campaignStart, today: service.today, serverTime: new Date().toISOString() });
  });
  r.get('/summary', (req, res) => {
    const q = parseOr400(RegionQuerySchema, req.query, 'query');
    res.json(service.summary(q.region, req.auth!));
  });
  r.get('/trend', asyncRoute(async (req, res) => {
    const q = parseOr400(TrendQuerySchema, req.query, 'query');
    res.json(await service.trend(q.region, q.days, req.auth!));
  }));
  r.get('/chain/head', asyncRoute(async (req, res) => {
    if (req.auth!.role !== 'admin') throw new ServiceError(403, 'forbidden_role', 'the chain head is for admin tokens');
    res.json(await opts.chainHead());
  }));
  return r;
}
