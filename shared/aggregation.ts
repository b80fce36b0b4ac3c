/**
 * Aggregation as pure functions. A hazard's contribution to the counts depends only on a few facts
 * and on "today"; applying a change is subtracting the old contribution and adding the new one: O(1).
 */
import { SECTOR_CODES, isOpen, type Level, type Sector, type Status } from './domain';
import { chainOf, childrenOf, getRegion } from './regions';
import type { Counts, Summary, SummaryChanges } from './schemas';

/** What the counts need to know about one hazard. */
export type Facts = {
  regionCode: string;
  sector: Sector;
  level: Level;
  status: Status;
  deadline: string | null;
  listed: boolean;
};

export const COUNT_KEYS = ['total', 'major', 'open', 'majorOpen', 'overdue', 'rectified', 'closed', 'majorClosed', 'listed'] as const;
export const emptyCounts = (): Counts => ({ total: 0, major: 0, open: 0, majorOpen: 0, overdue: 0, rectified: 0, closed: 0, majorClosed: 0, listed: 0 });

/** Overdue: open, and the deadline day has ended (today is after it). Derived, never stored. */
export const isOverdue = (f: Pick<Facts, 'status' | 'deadline'>, today: string): boolean =>
  isOpen(f.status) && f.deadline !== null && f.deadline < today;

/** Adds (sign 1) or removes (sign −1) one hazard's contribution. */
export function addFacts(c: Counts, f: Facts, today: string, sign: 1 | -1 = 1): void {
  if (f.status === 'rejected') return;
  const open = isOpen(f.status);
  c.total += sign;
  if (f.level === 'major') c.major += sign;
  if (open) c.open += sign;
  if (open && f.level === 'major') c.majorOpen += sign;
  if (isOverdue(f, today)) c.overdue += sign;
  if (f.status === 'rectified') c.rectified += sign;
  if (f.status === 'closed') c.closed += sign;
  if (f.status === 'closed' && f.level === 'major') c.majorClosed += sign;
  if (open && f.listed) c.listed += sign;
}

export const addCounts = (a: Counts, b: Counts): void => {
  for (const k of COUNT_KEYS) a[k] += b[k];
};
export const isZero = (c: Counts): boolean => COUNT_KEYS.every((k) => c[k] === 0);
export const sameCounts = (a: Counts, b: Counts): boolean => COUNT_KEYS.every((k) => a[k] === b[k]);

/** Rectification rate: closed ÷ total (0 when there is nothing). */
export const rectificationRate = (c: Counts): number => (c.total === 0 ? 0 : c.closed / c.total);
/** The same for major hazards alone (DOMAIN.md: 整改率, also shown for major). */
export const majorRectificationRate = (c: Counts): number => (c.major === 0 ? 0 : c.majorClosed / c.major);

type RegionCell = { totals: Counts; bySector: Map<string, Counts> };

/** Which parts of which region's summary a hazard at `regionCode` in `sector` touches. */
export type Touch = { region: string; child: string | null; sector: string };
export function touchesOf(regionCode: string, sector: string): Touch[] {
  const chain = chainOf(regionCode);
  return chain.map((region, i) => ({ region, child: i > 0 ? chain[i - 1]! : null, sector }));
}

/**
 * Counts per region and per region × sector, for every level of the region tree. The summary of any
 * region is read from it without scanning hazards.
 */
export class Aggregates {
  private cells = new Map<string, RegionCell>();

  private cell(region: string): RegionCell {
    let c = this.cells.get(region);
    if (!c) {
      c = { totals: emptyCounts(), bySector: new Map() };
      this.cells.set(region, c);
    }
    return c;
  }

  private sectorCounts(region: string, sector: string): Counts {
    const cell = this.cell(region);
    let c = cell.bySector.get(sector);
    if (!c) {
      c = emptyCounts();
      cell.bySector.set(sector, c);
    }
    return c;
  }

  /** Adds or removes one hazard's contribution everywhere it counts. */
  apply(f: Facts, today: string, sign: 1 | -1): void {
    for (const region of chainOf(f.regionCode)) {
      addFacts(this.cell(region).totals, f, today, sign);
      addFacts(this.sectorCounts(region, f.sector), f, today, sign);
    }
  }

  /** Adds n to one counter of a region × sector and its ancestors (used for grouped rebuilds and day turns). */
  addCounter(regionCode: string, sector: string, delta: Partial<Counts>): void {
    for (const region of chainOf(regionCode)) {
      for (const target of [this.cell(region).totals, this.sectorCounts(region, sector)]) {
        for (const k of COUNT_KEYS) target[k] += delta[k] ?? 0;
      }
    }
  }

  totals(region: string): Counts {
    return { ...(this.cells.get(region)?.totals ?? emptyCounts()) };
  }

  sector(region: string, sector: string): Counts {
    return { ...(this.cells.get(region)?.bySector.get(sector) ?? emptyCounts()) };
  }

  /** The Summary body (without version metadata) of a region. */
  summaryBody(region: string): Pick<Summary, 'totals' | 'byRegion' | 'bySector' | 'matrix'> {
    const byRegion: Record<string, Counts> = {};
    const matrix: Record<string, Record<string, Counts>> = {};
    for (const child of childrenOf(region)) {
      byRegion[child.code] = this.totals(child.code);
      const row = this.matrixRow(child.code);
      if (Object.keys(row).length) matrix[child.code] = row;
    }
    const bySector: Record<string, Counts> = {};
    for (const s of SECTOR_CODES) bySector[s] = this.sector(region, s);
    return { totals: this.totals(region), byRegion, bySector, matrix };
  }

  /** One child's row of the region × sector matrix: non-zero cells only. */
  matrixRow(child: string): Record<string, Counts> {
    const row: Record<string, Counts> = {};
    for (const [s, c] of this.cells.get(child)?.bySector ?? []) if (!isZero(c)) row[s] = { ...c };
    return row;
  }

  /** The parts of `region`'s summary named by the touches, current values, each replaced whole. */
  changesFor(region: string, touched: Iterable<Touch>): SummaryChanges {
    const changes: SummaryChanges = {};
    let totals = false;
    for (const t of touched) {
      totals = true;
      (changes.bySector ??= {})[t.sector] = this.sector(region, t.sector);
      if (t.child) {
        (changes.byRegion ??= {})[t.child] = this.totals(t.child);
        (changes.matrix ??= {})[t.child] = this.matrixRow(t.child);
      }
    }
    if (totals) changes.totals = this.totals(region);
    return changes;
  }

  clear(): void {
    this.cells.clear();
  }
}

/** Applies a delta's changes to a summary in place (what a client does). Empty matrix rows are removed. */
export function applyChanges(s: Pick<Summary, 'totals' | 'byRegion' | 'bySector' | 'matrix'>, ch: SummaryChanges): void {
  if (ch.totals) s.totals = ch.totals;
  Object.assign(s.byRegion, ch.byRegion ?? {});
  Object.assign(s.bySector, ch.bySector ?? {});
  for (const [k, row] of Object.entries(ch.matrix ?? {})) {
    if (Object.keys(row).length) s.matrix[k] = row;
    else delete s.matrix[k];
  }
}

/** From scratch: the Summary body of a region over a list of hazards' facts (the reference for tests). */
export function summarizeFacts(region: string, facts: Iterable<Facts>, today: string) {
  const agg = new Aggregates();
  for (const f of facts) agg.apply(f, today, 1);
  return agg.summaryBody(region);
}

export const regionLabel = (code: string): string => getRegion(code)?.name ?? code;
