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
  // A part the delta does not touch keeps its identity (and so does every untouched entry of a part it does):
  // a panel handed the same object skips its render. A touched part is a copy: the current one is never mutated.
  const ch = d.changes;
  const touched = (part: object | undefined) => part !== undefined && Object.keys(part).length > 0;
  const next: Summary = {
    ...cur,
    byRegion: touched(ch.byRegion) ? { ...cur.byRegion } : cur.byRegion,
    bySector: touched(ch.bySector) ? { ...cur.bySector } : cur.bySector,
    matrix: touched(ch.matrix) ? { ...cur.matrix } : cur.matrix,
    version: d.version,
    asOf: d.asOf,
    today: d.today ?? cur.today,
  };
  applyChanges(next, d.changes);
  return { outcome: 'applied', summary: next };
}

/**
 * A disconnect the socket reports (server gone, network down) turns the screen stale after this: long enough
 * that a reconnect within the same moment does not flash, short enough to be within 2 s of the event.
 */
export const DISCONNECT_STALE_MS = 500;

/** live: signals arrive and the node is not behind; lagging: signals arrive but the node reports being behind; stale: no signal. */
/**
 * `integrity`: the server found its store contradicting its own history (server/audit/integrity.ts);
 * `verifying`: its first check of that history since it started has not finished, so nothing is confirmed yet.
 */
export type Freshness = 'live' | 'lagging' | 'stale' | 'integrity' | 'verifying';

/** `ageMs`: time since the last signal (clock.store elapsedSince), null before the first. */
export function freshnessAt(ageMs: number | null, staleAfterMs = STALE_AFTER_MS): 'live' | 'stale' {
  return ageMs !== null && ageMs <= staleAfterMs ? 'live' : 'stale';
}

/**
 * Lag from heartbeats (`version`: what the node shows, `head`: the newest change any node committed). One
 * heartbeat ahead of its version is a write in flight; a node is lagging when a heartbeat's version has not
 * reached the head the previous heartbeat (5 s earlier) already knew.
 */
export class LagWatch {
  private target: number | null = null;
  lagging = false;
  behind = 0;

  beat(version: number, head: number = version): void {
    this.lagging = this.target !== null && version < this.target;
    this.target = head > version ? head : null;
    this.behind = Math.max(0, head - version);
  }

  reset(): void {
    this.target = null;
    this.lagging = false;
    this.behind = 0;
  }
}

/** Capped exponential backoff with jitter in [0.5, 1.5): attempt 0 → ~base. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.round(Math.min(maxMs, raw * (0.5 + random())));
}
