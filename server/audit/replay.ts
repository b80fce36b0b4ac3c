/**
 * The audit's own replay of the change sequence: what every hazard must look like if the history is
 * the whole truth. It applies what each change *says happened* (its data), never today's workflow
 * rules, so an old history stays verifiable after the rules change. A new change kind must be added to
 * STEPS below, or the audit refuses the history that contains it — on purpose.
 */
import { hash } from 'node:crypto';
import { isOpen, type Level, type ListingLevel, type Sector, type Status } from '../../shared/domain';
import { getRegion } from '../../shared/regions';
import type { Facts } from '../../shared/aggregation';
import type { ChangePayload, ChangeRow, DayGroup } from '../hazards/changes';

/** What the audit remembers of one hazard: enough to check every column of its row. */
export type Projected = {
  inputHash: string;
  regionCode: string;
  /** as the report gave them (its data is the row's `input`: their hashes are compared) */
  source: unknown;
  discoveredAt: unknown;
  sector: Sector;
  level: Level;
  status: Status;
  deadline: string | null;
  listedBy: ListingLevel | null;
  closedAt: string | null;
  extensions: number;
  createdSeq: number;
  reportedAt: string;
  updatedSeq: number;
  updatedAt: string;
};

/** A parsed change: the row's JSON columns read once. */
export type Parsed = { row: ChangeRow; actor: unknown; payload: ChangePayload };

type Step = (p: Projection, c: Parsed, cur: Projected | undefined) => string | null;

export const sha256 = (s: string): string => hash('sha256', s, 'hex');

const factsOf = (h: Projected): Facts => ({
  regionCode: h.regionCode, sector: h.sector, level: h.level, status: h.status, deadline: h.deadline, listed: h.listedBy !== null,
});

/** Key-order-insensitive equality of two small JSON values. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A person (kind user), a token (kind token), or the token actor of history written before accounts. */
const isActor = (a: unknown): boolean => {
  if (typeof a !== 'object' || a === null) return false;
  const r = a as Record<string, unknown>;
  const has = (...keys: string[]) => keys.every((k) => typeof r[k] === 'string');
  if (r.kind === 'user') return has('username', 'displayName', 'role', 'region');
  if (r.kind === 'token') return has('tokenId', 'name', 'role', 'region');
  return has('tokenId', 'name', 'role');
};

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A workflow change: checks `before`, computes the next state, checks `after`. */
function mutation(next: (cur: Projected, data: Record<string, unknown>, c: Parsed) => Projected | string): Step {
  return (p, c, cur) => {
    if (!cur) return `changes hazard ${c.row.hazard_id}, which no earlier change reported`;
    if (!sameJson(c.payload.before, factsOf(cur))) return `its "before" does not match the replayed state of hazard ${c.row.hazard_id}`;
    const n = next(cur, c.payload.data ?? {}, c);
    if (typeof n === 'string') return n;
    if (!sameJson(c.payload.after, factsOf(n))) return `its "after" does not follow from its data for hazard ${c.row.hazard_id}`;
    p.hazards.set(c.row.hazard_id!, { ...n, updatedSeq: c.row.seq, updatedAt: c.row.recorded_at });
    return null;
  };
}

const reported: Step = (p, c, cur) => {
  const data = c.payload.data ?? {};
  if (cur) return `reports hazard ${c.row.hazard_id} a second time`;
  if (data.id !== c.row.hazard_id) return `its hazard_id ${c.row.hazard_id} differs from the reported id ${String(data.id)}`;
  const regionCode = str(data.regionCode);
  if (!regionCode || !getRegion(regionCode)) return `reports an unknown region ${String(data.regionCode)}`;
  const h: Projected = {
    inputHash: sha256(JSON.stringify(data)),
    regionCode, source: data.source, discoveredAt: data.discoveredAt, sector: data.sector as Sector, level: data.level as Level, status: 'reported',
    deadline: str(data.deadline), listedBy: null, closedAt: null, extensions: 0,
    createdSeq: c.row.seq, reportedAt: c.row.recorded_at, updatedSeq: c.row.seq, updatedAt: c.row.recorded_at,
  };
  if (c.payload.before !== null) return 'a report must have no "before"';
  if (!sameJson(c.payload.after, factsOf(h))) return `its "after" does not follow from the reported hazard ${c.row.hazard_id}`;
  p.hazards.set(c.row.hazard_id!, h);
  return null;
};

const STEPS: Record<string, Step> = {
  reported,
  transition: mutation((cur, d, c) => {
    if (d.from !== cur.status) return `says the hazard moved from ${String(d.from)}, but it was ${cur.status}`;
    const to = d.to as Status;
    return { ...cur, status: to, closedAt: to === 'closed' ? c.row.at : cur.closedAt };
  }),
  escalation: mutation((cur, d) => {
    if (d.from !== cur.level) return `says the level changed from ${String(d.from)}, but it was ${cur.level}`;
    return { ...cur, level: d.to as Level, deadline: str(d.deadline) ?? cur.deadline };
  }),
  listing: mutation((cur, d) => ({ ...cur, listedBy: d.by as ListingLevel })),
  delisting: mutation((cur, d) => (d.from !== cur.listedBy ? `says the listing by ${String(d.from)} was lifted, but it was ${String(cur.listedBy)}` : { ...cur, listedBy: null })),
  // evidence of rectification: its SHA-256 in the chain, no change of state
  evidence: mutation((cur) => cur),
  extension: mutation((cur, d) => {
    if ((d.from ?? null) !== cur.deadline) return `says the deadline was ${String(d.from)}, but it was ${String(cur.deadline)}`;
    return { ...cur, deadline: str(d.to), extensions: cur.extensions + 1 };
  }),
};

const groupKey = (g: Pick<DayGroup, 'regionCode' | 'sector'>) => `${g.regionCode}|${g.sector}`;

export class Projection {
  readonly hazards = new Map<string, Projected>();
  /** the day of the newest `day` change */
  day: string | null = null;

  /** Applies one change; the reason it does not verify, or null. */
  apply(c: Parsed): string | null {
    if (c.row.kind === 'day') return this.turnDay(c);
    const step = STEPS[c.row.kind];
    if (!step) return `kind "${c.row.kind}" is not one this audit knows`;
    if (!c.row.hazard_id) return 'a hazard change without a hazard_id';
    if (!isActor(c.actor)) return 'no actor (the person or token, role and region) recorded';
    return step(this, c, this.hazards.get(c.row.hazard_id));
  }

  /** A `day` change lists the open hazards that became overdue; the replayed state must give the same list. */
  private turnDay(c: Parsed): string | null {
    const day = c.payload.day;
    if (c.row.hazard_id !== null || c.actor !== null) return 'a day change must have no hazard and no actor';
    if (typeof day !== 'string' || (this.day !== null && day <= this.day)) return `day ${String(day)} does not follow day ${this.day}`;
    const expected = new Map<string, number>();
    for (const h of this.hazards.values()) {
      if (!isOpen(h.status) || h.deadline === null || h.deadline >= day || (this.day !== null && h.deadline < this.day)) continue;
      const k = groupKey(h);
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    const stored = c.payload.overdue ?? [];
    const same = stored.length === expected.size && stored.every((g) => expected.get(groupKey(g)) === g.n);
    this.day = day;
    return same ? null : `the hazards it counts as newly overdue on ${day} differ from the replayed state`;
  }
}
