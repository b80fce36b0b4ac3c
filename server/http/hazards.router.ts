/** /api/v1/hazards: intake, the list, one hazard, and its workflow actions. */
import { Router, type Request } from 'express';
import type { z } from 'zod';
import {
  EscalationInputSchema, ExtensionInputSchema, ListQuerySchema, ListingInputSchema, TransitionInputSchema, describeIssues, hasWithdrawnRegion,
} from '../../shared/schemas';
import { ServiceError } from '../errors';
import type { HazardService } from '../hazards/hazards.service';
import { escalation, extension, listing, transition } from '../hazards/workflow';
import { asyncRoute, requireJson, type IngestLimiter } from './middleware';

/** Parses with the schema or answers 400 naming what is wrong. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ServiceError(400, hasWithdrawnRegion(r.error.issues) ? 'withdrawn_region' : `invalid_${what}`, describeIssues(r.error.issues), r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return r.data;
}

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

  action('transitions', (req) => service.mutate(String(req.params.id), auth(req), transition(parseOr400(TransitionInputSchema, req.body), service.now())));
  action('escalations', (req) => service.mutate(String(req.params.id), auth(req), escalation(parseOr400(EscalationInputSchema, req.body))));
  action('listing', (req) => service.mutate(String(req.params.id), auth(req), listing(parseOr400(ListingInputSchema, req.body), auth(req))));
  action('extensions', (req) => service.mutate(String(req.params.id), auth(req), extension(parseOr400(ExtensionInputSchema, req.body))));
  return r;
}
