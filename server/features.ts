/**
 * Feature modules that add routes or socket handlers beside the core (import/export, briefing,
 * presentation). Each registers here so app.ts stays the same.
 */
import type { Router } from 'express';
import type { AppContext } from './app';
import { BriefingService } from './briefing/briefing.service';
import { briefingRouter } from './briefing/briefing.router';
import { attachPresent } from './realtime/present';
import { PresentRooms } from './realtime/present-rooms';
import { importRouter } from './import/import.router';

export function featureRoutes(ctx: AppContext): Router[] {
  const briefings = new BriefingService(ctx.reads, ctx.config.TZ_REGION, () => ctx.service.today, ctx.service.now, ctx.config.CAMPAIGN_START);
  // importRouter before the hazards router: /hazards/export and /hazards/import/… must not be taken for /hazards/:id
  return [briefingRouter(briefings), importRouter(ctx)];
}

export function featureSockets(ctx: AppContext): void {
  attachPresent(ctx.io, new PresentRooms(ctx.cluster.rooms));
}
