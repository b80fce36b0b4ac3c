/**
 * The pure rules of keeping a summary live: apply a delta or detect a gap, decide freshness, back off.
 * Stores call these; unit tests run them in plain node.
 */
import { applyChanges } from '../../shared/aggregation';
import type { Summary, SummaryDelta } from '../../shared/schemas';

/** Stale after this long without a heartbeat, delta or snapshot (CONTRACT: heartbeats every 5 s). */
export const STALE_AFTER_MS = 15_000;

export type DeltaOutcome = 'applied' | 'duplicate' | 'gap' | 'other-region';

/**
 * The next summary after a delta, never mutating the current one (screens hold references to it).
 * A delta that starts from another version than ours is a gap: the caller re-subscribes for a snapshot.
 */
export function applyDelta(cur: Summary, d: SummaryDelta): { outcome: DeltaOutcome; summary: Summary } {
  if (d.region !== cur.region) return { outcome: 'other-region', summary: cur };
  if (d.version <= cur.version) return { outcome: 'duplicate', summary: cur };
  if (d.fromVersion !== cur.version) return { outcome: 'gap', summary: cur };
  const next: Summary = {
    ...cur,
    byRegion: { ...cur.byRegion },
    bySector: { ...cur.bySector },
    matrix: { ...cur.matrix },
    version: d.version,
    asOf: d.asOf,
    today: d.today ?? cur.today,
  };
  applyChanges(next, d.changes);
  return { outcome: 'applied', summary: next };
}

export type Freshness = 'live' | 'stale';

export function freshnessAt(lastSignalAt: number | null, now: number, staleAfterMs = STALE_AFTER_MS): Freshness {
  return lastSignalAt !== null && now - lastSignalAt <= staleAfterMs ? 'live' : 'stale';
}

/** Capped exponential backoff with jitter in [0.5, 1.5): attempt 0 → ~base. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.round(Math.min(maxMs, raw * (0.5 + random())));
}
