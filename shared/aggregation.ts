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

export const COUNT_KEYS = ['total', 'major', 'open', 'majorOpen', 'overdue', 'rectified', 'majorRectified', 'closed', 'majorClosed', 'listed'] as const;
export const emptyCounts = (): Counts => ({
  total: 0, major: 0, open: 0, majorOpen: 0, overdue: 0, rectified: 0, majorRectified: 0, closed: 0, majorClosed: 0, listed: 0,
});

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
  if (f.status === 'rectified' && f.level === 'major') c.majorRectified += sign;
  if (f.status === 'closed') c.closed += sign;
  if (f.status === 'closed' && f.level === 'major') c.majorClosed += sign;
  if (open && f.listed) c.listed += sign;
}

export const isZero = (c: Counts): boolean => COUNT_KEYS.every((k) => c[k] === 0);

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
/**
 * The rates of docs/DOMAIN.md "Rates", 0 when there is nothing to divide by. 整改率（含已整改待验收）, as cities report
 * it: (rectified + closed) ÷ total — 已整改待验收 counts as rectified.
 */
export const rectifiedRate = (c: Counts): number => ratio(c.rectified + c.closed, c.total);
/** 销号率: closed ÷ total (the v1 `rectificationRate`). */
export const closeOutRate = (c: Counts): number => ratio(c.closed, c.total);
/** 重大隐患整改率（含已整改待验收）: the same for major hazards alone. */
export const majorRectifiedRate = (c: Counts): number => ratio(c.majorRectified + c.majorClosed, c.major);
/** 重大隐患销号率. */
export const majorCloseOutRate = (c: Counts): number => ratio(c.majorClosed, c.major);

type RegionCell = { totals: Counts; bySector: Map<string, Counts> };

/** Which parts of which region's summary a hazard at `regionCode` in `sector` touches. */
export type Touch = { region: string; child: string | null; sector: string };
export function touchesOf(regionCode: string, sector: string): Touch[] {
  const chain = chainOf(regionCode);
  // a development zone counts in its city's totals but is none of its counties: no byRegion or matrix entry
  const child = (i: number) => (i > 0 && getRegion(chain[i - 1]!)?.level !== 'zone' ? chain[i - 1]! : null);
  return chain.map((region, i) => ({ region, child: child(i), sector }));
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
