/**
 * A valid input as the store is handed it: its JSON (encoded once: the content hash and the `reported` change's
 * payload are both made from it), the content hash that dedupes a re-sent report, and its day of discovery in
 * `tz`. Pure, so that the import's reader thread (server/workers/xlsx-worker.ts) can run it beside the ingest.
 */
import { hash } from 'node:crypto';
import type { HazardInput } from '../../shared/schemas';
import { dayOf } from '../../shared/time';
import type { NewHazard } from './hazards.repository';

export function normalise(input: HazardInput, tz: string): NewHazard {
  const json = JSON.stringify(input);
  return { input, contentHash: hash('sha256', json, 'hex'), discoveredDay: dayOf(Date.parse(input.discoveredAt), tz), json };
}
