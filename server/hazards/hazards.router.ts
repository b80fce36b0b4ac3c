/** /api/v1/hazards: intake, the list, one hazard, and its workflow actions. */
import { Router, type Request } from 'express';
import {
  DelistingInputSchema, EscalationInputSchema, ExtensionInputSchema, ListQuerySchema, ListingInputSchema, TransitionInputSchema,
} from '../../shared/schemas';
import type { HazardService } from './hazards.service';
import { delisting, escalation, extension, listing, transition } from './workflow';
import { asyncRoute, requireJson, type IngestLimiter } from '../http/middleware';
import { parseOr400 } from '../http/validate';

const STATUS_OF: Record<string, 400 | 403 | 409> = { forbidden_region: 403, conflict: 409 };
const auth = (req: Request) => req.auth!;

export function hazardsRouter(service: HazardService, ingestLimit: IngestLimiter): Router {
  const r = Router();

  r.post('/', requireJson, asyncRoute(async (req, res) => {
    const body = req.body as { hazards?: unknown };
    await ingestLimit.take(auth(req), Array.isArray(body?.hazards) ? body.hazards.length : 1);
    const { single, result } = await service.report(req.body, auth(req));
    const rejected = result.rejected[0];
    if (single && rejected) {
      res.status(STATUS_OF[rejected.error.code] ?? 400).json({ error: rejected.error });
      return;
    }
    res.json(result);
  }));

  r.get('/', asyncRoute(async (req, res) => {
    res.json(await service.list(parseOr400(ListQuerySchema, req.query, 'query'), auth(req)));
  }));

  r.get('/:id', asyncRoute(async (req, res) => {
    res.json(await service.get(String(req.params.id), auth(req)));
  }));

  const action = (path: string, run: (req: Request) => Promise<unknown>) =>
    r.post(`/:id/${path}`, requireJson, asyncRoute(async (req, res) => {
      res.json(await run(req));
    }));

  action('transitions', (req) => service.mutate(String(req.params.id), auth(req), transition(parseOr400(TransitionInputSchema, req.body), service.now(), auth(req))));
  action('escalations', (req) => service.mutate(String(req.params.id), auth(req), escalation(parseOr400(EscalationInputSchema, req.body), auth(req))));
  action('listing', (req) => service.mutate(String(req.params.id), auth(req), listing(parseOr400(ListingInputSchema, req.body), auth(req))));
  action('extensions', (req) => service.mutate(String(req.params.id), auth(req), extension(parseOr400(ExtensionInputSchema, req.body), auth(req))));
  // 摘牌 (ext): DELETE with a JSON body {note}
  r.delete('/:id/listing', requireJson, asyncRoute(async (req, res) => {
    res.json(await service.mutate(String(req.params.id), auth(req), delisting(parseOr400(DelistingInputSchema, req.body), auth(req))));
  }));
  return r;
}
