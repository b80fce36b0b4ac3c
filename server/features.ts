/**
 * Feature modules that add routes or socket handlers beside the core (import/export, briefing,
 * presentation). Each registers here so app.ts stays the same.
 */
import type { Router } from 'express';
import type { AppContext } from './app';

export function featureRoutes(_ctx: AppContext): Router[] {
  return [];
}

export function featureSockets(_ctx: AppContext): void {}
