/**
 * Random streams of lawful workflow actions over a test-side model of hazards, and an independent
 * reference count. The reference deliberately does not call shared/aggregation: it is what the
 * aggregates are checked against.
 */
import { SECTOR_CODES, type Level, type ListingLevel, type Sector, type Status } from '../../shared/domain';
import { childrenOf, getRegion, isWithin } from '../../shared/regions';
import type { Counts, HazardInput } from '../../shared/schemas';
import { addDays } from '../../shared/time';
import type { rng } from './hazards';

type Rng = ReturnType<typeof rng>;

/** The lifecycle of docs/DOMAIN.md, written out by hand: [from, to, levels for which it is lawful]. */
export const LAWFUL: ReadonlyArray<[Status, Status, readonly Level[]]> = [
  ['reported', 'rectifying', ['major', 'general']],
  ['reported', 'rejected', ['major', 'general']],
  ['reported', 'rectified', ['general']], // fixed on the spot: general hazards only
  ['rectifying', 'rectified', ['major', 'general']],
  ['rectified', 'closed', ['major', 'general']],
  ['rectified', 'rectifying', ['major', 'general']], // acceptance failed
];
const ALL_STATUSES: readonly Status[] = ['reported', 'rectifying', 'rectified', 'closed', 'rejected'];
export const lawfulNext = (from: Status, level: Level): Status[] =>
  ALL_STATUSES.filter((to) => LAWFUL.some(([f, t, ls]) => f === from && t === to && ls.includes(level)));

/** What the test knows about one hazard it created. */
export type ModelHazard = {
  id: string;
  regionCode: string;
  sector: Sector;
  level: Level;
  status: Status;
  deadline: string | null;
  listedBy: ListingLevel | null;
};

export const modelOf = (h: Pick<HazardInput, 'id' | 'regionCode' | 'sector' | 'level' | 'deadline'>): ModelHazard => ({
  id: h.id, regionCode: h.regionCode, sector: h.sector, level: h.level, status: 'reported', deadline: h.deadline ?? null, listedBy: null,
});

export type Op =
  | { kind: 'transition'; id: string; to: Status }
  | { kind: 'escalation'; id: string; level: Level; note: string; deadline?: string }
  | { kind: 'listing'; id: string; by: ListingLevel }
  | { kind: 'extension'; id: string; deadline: string; reason: string };

const isOpenStatus = (s: Status) => s === 'reported' || s === 'rectifying';
const RANK: Record<ListingLevel, number> = { province: 0, city: 1, county: 2 };

/** A lawful action on one of the hazards (by an admin or a province reporter), or null when none fits. */
export function pickOp(r: Rng, hazards: readonly ModelHazard[], today: string): Op | null {
  if (!hazards.length) return null;
  for (let attempt = 0; attempt < 10; attempt++) {
    const h = r.pick(hazards);
    const roll = r.next();
    const open = isOpenStatus(h.status);
    if (roll < 0.6) {
      const next = lawfulNext(h.status, h.level);
      if (next.length) return { kind: 'transition', id: h.id, to: r.pick(next) };
    } else if (roll < 0.72 && open) {
      const level: Level = h.level === 'major' ? 'general' : 'major';
      const deadline = level === 'major' && !h.deadline ? addDays(today, r.int(20)) : undefined;
      return { kind: 'escalation', id: h.id, level, note: '复核后调整等级', ...(deadline ? { deadline } : {}) };
    } else if (roll < 0.84 && open && h.level === 'major') {
      // only major hazards are listed; a county lists only hazards reported against a county
      const higher = (['province', 'city', 'county'] as const).filter((by) =>
        (!h.listedBy || RANK[by] < RANK[h.listedBy]) && (by !== 'county' || getRegion(h.regionCode)?.level === 'county'));
      if (higher.length) return { kind: 'listing', id: h.id, by: r.pick(higher) };
    } else if (open) {
      const from = h.deadline && h.deadline > today ? h.deadline : today;
      return { kind: 'extension', id: h.id, deadline: addDays(from, 1 + r.int(10)), reason: '设备采购周期' };
    }
  }
  return null;
}

/** What the action does to the model, as docs/API.md describes it. */
export function applyOp(h: ModelHazard, op: Op): void {
  if (op.kind === 'transition') h.status = op.to;
  if (op.kind === 'escalation') {
    h.level = op.level;
    if (op.deadline) h.deadline = op.deadline;
  }
  if (op.kind === 'listing') h.listedBy = op.by;
  if (op.kind === 'extension') h.deadline = op.deadline;
}

/** The HTTP path and body of an action. */
export function requestOf(op: Op): { path: string; body: Record<string, unknown> } {
  const base = `/api/v1/hazards/${encodeURIComponent(op.id)}`;
  switch (op.kind) {
    case 'transition':
      return { path: `${base}/transitions`, body: { to: op.to } };
    case 'escalation':
      return { path: `${base}/escalations`, body: { level: op.level, note: op.note, ...(op.deadline ? { deadline: op.deadline } : {}) } };
    case 'listing':
      return { path: `${base}/listing`, body: { by: op.by } };
    case 'extension':
      return { path: `${base}/extensions`, body: { deadline: op.deadline, reason: op.reason } };
  }
}

// ---- the reference count -----------------------------------------------------------------------

export const zeroCounts = (): Counts => ({ total: 0, major: 0, open: 0, majorOpen: 0, overdue: 0, rectified: 0, majorRectified: 0, closed: 0, majorClosed: 0, listed: 0 });

/** Tallies one hazard into counts by the definitions of docs/API.md "Summary". */
function tallyInto(c: Counts, h: ModelHazard, today: string): void {
  if (h.status === 'rejected') return;
  const open = isOpenStatus(h.status);
  c.total++;
  if (h.level === 'major') c.major++;
  if (open) c.open++;
  if (open && h.level === 'major') c.majorOpen++;
  if (open && h.deadline !== null && h.deadline < today) c.overdue++;
  if (h.status === 'rectified') c.rectified++;
  if (h.status === 'rectified' && h.level === 'major') c.majorRectified++;
  if (h.status === 'closed') c.closed++;
  if (h.status === 'closed' && h.level === 'major') c.majorClosed++;
  if (open && h.listedBy !== null) c.listed++;
}

const nonZero = (c: Counts) => Object.values(c).some((v) => v !== 0);

export type SummaryBody = {
  totals: Counts;
  byRegion: Record<string, Counts>;
  bySector: Record<string, Counts>;
  matrix: Record<string, Record<string, Counts>>;
};

/** The Summary body of `region` counted from scratch over the hazards. */
export function tally(region: string, hazards: Iterable<ModelHazard>, today: string): SummaryBody {
  const body: SummaryBody = { totals: zeroCounts(), byRegion: {}, bySector: {}, matrix: {} };
  const children = childrenOf(region).map((c) => c.code);
  for (const c of children) body.byRegion[c] = zeroCounts();
  for (const s of SECTOR_CODES) body.bySector[s] = zeroCounts();
  for (const h of hazards) {
    if (!isWithin(h.regionCode, region)) continue;
    tallyInto(body.totals, h, today);
    tallyInto(body.bySector[h.sector]!, h, today);
    const child = children.find((c) => isWithin(h.regionCode, c));
    if (!child) continue; // a hazard on a city code counts in no county
    tallyInto(body.byRegion[child]!, h, today);
    tallyInto(((body.matrix[child] ??= {})[h.sector] ??= zeroCounts()), h, today);
  }
  for (const [child, row] of Object.entries(body.matrix)) {
    for (const [s, c] of Object.entries(row)) if (!nonZero(c)) delete row[s];
    if (!Object.keys(row).length) delete body.matrix[child];
  }
  return body;
}
