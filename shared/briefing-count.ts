/**
 * Counting one period's facts (briefing.ts PeriodFacts) into the briefing's figures: per region, per child
 * region, per sector and per source. The level and status a hazard had at the end of the period are replayed
 * from its history (stateAt), so a past period reads as it was then.
 */
import { SECTOR_CODES, SOURCE_CODES, isOpen, type Level, type Sector, type Source } from './domain';
import { childrenOf, cityOf, getRegion } from './regions';
import { addDays, startOfDay, DEFAULT_TZ } from './time';
import { CHANGE_KEYS, stateAt, type Change, type Closure, type PeriodCounts, type PeriodFacts } from './briefing';

export type Acc = {
  new: number; newMajor: number; closed: number; open: number; overdue: number;
  total: number; major: number; rectified: number; majorRectified: number; closedToDate: number; majorClosedToDate: number;
  newRectified: number; newMajorRectified: number; rejected: number;
  /** of the new hazards, closed by the end */
  newClosed: number;
  /** new by source, rejected by source, new by sector: what the flags compare */
  bySource: Record<string, number>; rejectedBySource: Record<string, number>; bySector: Record<string, number>;
};
export const emptyAcc = (): Acc => ({
  new: 0, newMajor: 0, closed: 0, open: 0, overdue: 0, total: 0, major: 0, rectified: 0, majorRectified: 0,
  closedToDate: 0, majorClosedToDate: 0, newRectified: 0, newMajorRectified: 0, rejected: 0, newClosed: 0,
  bySource: {}, rejectedBySource: {}, bySector: {},
});

/**
 * The child of `region` a hazard at `regionCode` counts in: a city of the province, a county of a city; '' for
 * none (a city's own code and its development zones: 开发区及市本级).
 */
export function childOf(region: string, regionCode: string): string {
  const level = getRegion(region)?.level;
  if (level === 'province') return cityOf(regionCode) ?? '';
  if (level === 'city') return getRegion(regionCode)?.level === 'county' ? regionCode : '';
  return '';
}

/** Accumulators of one period: the whole region, each child, each sector, each source, and what is in no child. */
export type PeriodAcc = {
  total: Acc; byChild: Map<string, Acc>; bySector: Map<string, Acc>; bySource: Map<string, Acc>; unassigned: Acc;
  /** new per reporting unit (county, zone, city code) */
  byCounty: Map<string, number>;
};

const bump = (rec: Record<string, number>, key: string, n: number): void => {
  rec[key] = (rec[key] ?? 0) + n;
};

type Row = { regionCode: string; sector: Sector; source: Source; level: Level; n: number; part?: 'sector' | 'source' };

/**
 * Rows count for the whole region, their child (or what is in none), their sector and their source; a row of one
 * part (per-day aggregates keep sector and source apart) only on that side: a `source` row for its source alone,
 * a `sector` row for the rest. The by-source and by-sector tallies inside an accumulator (`bySource`,
 * `rejectedBySource`, `bySector`: what the flags compare) are kept for the region and its children only.
 */
export function countPeriod(region: string, f: PeriodFacts, tz: string = DEFAULT_TZ): PeriodAcc {
  const out: PeriodAcc = {
    total: emptyAcc(), byChild: new Map(), bySector: new Map(), bySource: new Map(), unassigned: emptyAcc(), byCounty: new Map(),
  };
  for (const c of childrenOf(region)) out.byChild.set(c.code, emptyAcc());
  for (const s of SECTOR_CODES) out.bySector.set(s, emptyAcc());
  for (const s of SOURCE_CODES) out.bySource.set(s, emptyAcc());
  const units = (r: Pick<Row, 'regionCode'>): Acc[] => {
    const child = childOf(region, r.regionCode);
    return [out.total, child ? out.byChild.get(child) ?? emptyAcc() : out.unassigned];
  };
  const targets = (r: Pick<Row, 'regionCode' | 'sector' | 'source' | 'part'>): Acc[] => {
    if (r.part === 'source') return [out.bySource.get(r.source) ?? emptyAcc()];
    const sector = out.bySector.get(r.sector) ?? emptyAcc();
    return r.part === 'sector' ? [...units(r), sector] : [...units(r), sector, out.bySource.get(r.source) ?? emptyAcc()];
  };
  const each = (rows: readonly Row[], add: (a: Acc, r: Row) => void) => {
    for (const r of rows) for (const a of targets(r)) add(a, r);
  };
  for (const r of f.discovered) {
    for (const a of targets(r)) {
      a.new += r.n;
      if (r.level === 'major') a.newMajor += r.n;
    }
    for (const a of units(r)) {
      if (r.part !== 'sector') bump(a.bySource, r.source, r.n);
      if (r.part !== 'source') bump(a.bySector, r.sector, r.n);
    }
    if (r.part !== 'source') out.byCounty.set(r.regionCode, (out.byCounty.get(r.regionCode) ?? 0) + r.n);
  }
  each(f.closed, (a, r) => (a.closed += r.n));
  each(f.closedBy, (a, r) => {
    a.total += r.n;
    a.closedToDate += r.n;
    if (r.level === 'major') {
      a.major += r.n;
      a.majorClosedToDate += r.n;
    }
  });
  for (const r of f.rejected) {
    for (const a of targets(r)) a.rejected += r.n;
    if (r.part !== 'sector') for (const a of units(r)) bump(a.rejectedBySource, r.source, r.n);
  }
  for (const c of f.closures) {
    for (const a of targets(c)) {
      a.newRectified++;
      a.newClosed++;
      if (c.level === 'major') a.newMajorRectified++;
    }
  }
  countUnsettled(f, targets, tz);
  for (const e of f.ends ?? []) {
    const major = e.level === 'major';
    for (const a of targets(e)) {
      a.total += e.n;
      if (major) a.major += e.n;
      a.open += e.open;
      a.overdue += e.overdue;
      a.rectified += e.rectified;
      a.newRectified += e.newRectified + e.newClosed;
      a.newClosed += e.newClosed;
      if (major) {
        a.majorRectified += e.rectified;
        a.newMajorRectified += e.newRectified + e.newClosed;
      }
    }
  }
  return out;
}

/** The hazards not closed by the end: their state then decides open, overdue, rectified and the level. */
function countUnsettled(f: PeriodFacts, targets: (r: Pick<Row, 'regionCode' | 'sector' | 'source' | 'part'>) => Acc[], tz: string): void {
  const end = startOfDay(addDays(f.to, 1), tz);
  for (const h of f.unsettled) {
    const s = stateAt(h, end);
    const isNew = h.discoveredDay >= f.from && h.discoveredDay <= f.to;
    const major = s.level === 'major';
    // `discovered` grouped this hazard by its current level: move it to the level it had then
    const relevel = isNew ? Number(major) - Number(h.current.level === 'major') : 0;
    const open = isOpen(s.status);
    const overdue = open && s.deadline !== null && s.deadline < f.to;
    const rectified = s.status === 'rectified';
    for (const a of targets(h)) {
      a.total++;
      a.newMajor += relevel;
      if (major) a.major++;
      if (open) a.open++;
      if (overdue) a.overdue++;
      if (rectified) {
        a.rectified++;
        if (major) a.majorRectified++;
        if (isNew) a.newRectified++;
        if (isNew && major) a.newMajorRectified++;
      }
    }
  }
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

export const toCounts = (a: Acc): PeriodCounts => ({
  new: a.new, newMajor: a.newMajor, closed: a.closed, open: a.open, overdue: a.overdue,
  rectificationRate: ratio(a.closedToDate, a.total),
  total: a.total, major: a.major, rectified: a.rectified, majorRectified: a.majorRectified,
  closedToDate: a.closedToDate, majorClosedToDate: a.majorClosedToDate,
  newRectified: a.newRectified, newMajorRectified: a.newMajorRectified, rejected: a.rejected,
  rectifiedRate: ratio(a.rectified + a.closedToDate, a.total),
  closeOutRate: ratio(a.closedToDate, a.total),
  majorRectifiedRate: ratio(a.majorRectified + a.majorClosedToDate, a.major),
  majorCloseOutRate: ratio(a.majorClosedToDate, a.major),
});

export function changeOf(cur: PeriodCounts, other: PeriodCounts): Change {
  const out = {} as Change;
  for (const k of CHANGE_KEYS) {
    const diff = cur[k] - other[k];
    out[k] = { diff, pct: other[k] === 0 ? null : diff / other[k] };
  }
  return out;
}

/** Median of hours from discovery to close-out. */
export function medianHours(closures: readonly Closure[]): number | null {
  if (!closures.length) return null;
  const h = closures.map((c) => (Date.parse(c.closedAt) - Date.parse(c.discoveredAt)) / 3_600_000).sort((a, b) => a - b);
  const mid = Math.floor(h.length / 2);
  return h.length % 2 ? h[mid]! : (h[mid - 1]! + h[mid]!) / 2;
}
