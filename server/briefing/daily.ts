/**
 * Daily aggregates for briefings (issue 11, part 2; docs/ARCHITECTURE.md "Briefings from daily aggregates"). A
 * hazard's whole contribution to the per-day counts is a function of its history: flows on the day they happened
 * (rejected on the day of discovery, closed on the day of 销号) and, for everything the briefing reads "as at the
 * end of the period" (on the books, open, overdue, 已整改待验收, and the level each had then), the *changes* of those
 * levels on the day they changed — so the level at the end of any day D is the sum of the deltas of days ≤ D.
 *
 * Two sets of cells, both keyed by county × sector × source × level (the level the hazard had at that moment):
 * - `DayCell` by day: a period's flows are a sum over its days, its end-of-period levels a sum over every day up
 *   to its end.
 * - `NewCell` by day × day of discovery: the figures about the period's *new* hazards as at its end (found, by the
 *   level they had then; rectified, closed by then) are a sum over the cells discovered in the period and dated up
 *   to its end — a level that is replayed cannot be read from the discovery day alone.
 * The store keeps each cell twice, once by sector and once by source (`Axis`, its marginals: the briefing never
 * reads sector × source), and sums them per axis (`DaySum`, `NewSum`).
 *
 * Maintained per change by replacing a hazard's old contribution with its new one (the difference of the two is
 * a handful of cells), the counts stay exact whatever the order of the changes' `at`: a rejection removes the
 * hazard from every past day, as the scan does, and a level change moves the counts between levels on the day it
 * happened. No day turn is needed: an overdue delta is written on the day after the deadline when the state
 * begins, even if that day is still ahead. The semantics are those of the scan (server/hazards/briefing-sql.ts
 * counted by shared/briefing-count.ts): tests/unit/server/daily-aggregates.test.ts and
 * tests/integration/briefing-days.test.ts check that both give the same briefing.
 */
import { isOpen, type Level, type Sector, type Source } from '../../shared/domain';
import { stateAt, type EndRow, type GroupRow, type StateChange, type StateFacts } from '../../shared/briefing';
import { addDays, dayOf, startOfDay } from '../../shared/time';

type Key = { regionCode: string; sector: Sector; source: Source; level: Level };
export type DayCell = Key & {
  day: string;
  /** flows of that day (by the current level) */
  rejected: number; closed: number;
  /** changes on that day of the end-of-day levels: on the books (not closed), open, overdue, rectified */
  books: number; open: number; overdue: number; rectified: number;
};
export type NewCell = Key & {
  day: string; discoveredDay: string;
  /** changes on that day of: found (on the books or closed: every hazard not rejected), rectified and not closed, closed */
  found: number; rectified: number; closed: number;
};
export type Contribution = { days: DayCell[]; news: NewCell[] };

export const DAY_COUNTS = ['rejected', 'closed', 'books', 'open', 'overdue', 'rectified'] as const;
export const NEW_COUNTS = ['found', 'rectified', 'closed'] as const;

/** What a hazard's contribution is computed from: its constant facts, its current state, its changes after `reported`. */
export type HazardLife = {
  id: string; regionCode: string; sector: Sector; source: Source; discoveredDay: string;
  current: StateFacts; closedDay: string | null; changes: StateChange[];
};

type Vec = { books: number; open: number; overdue: number; rectified: number; found: number; closed: number };
type Levels = Map<Level, Vec>;

/** The first moment after `day` (startOfDay goes through Intl: slow, and a rebuild asks it millions of times). */
const ends = new Map<string, number>();
function endOf(day: string, tz: string): number {
  const k = `${tz}|${day}`;
  let v = ends.get(k);
  if (v === undefined) {
    if (ends.size > 100_000) ends.clear();
    ends.set(k, (v = startOfDay(addDays(day, 1), tz)));
  }
  return v;
}

/** The day of a change's moment in TZ_REGION (dayOf goes through Intl too). */
const dayCache = new Map<string, string>();
function dayAt(at: string, tz: string): string {
  const k = `${tz}|${at}`;
  let v = dayCache.get(k);
  if (v === undefined) {
    if (dayCache.size > 100_000) dayCache.clear();
    dayCache.set(k, (v = dayOf(Date.parse(at), tz)));
  }
  return v;
}

const zero = (): Vec => ({ books: 0, open: 0, overdue: 0, rectified: 0, found: 0, closed: 0 });

/** What the hazard counts as at the end of `day`, by the level it had then; empty before its discovery. */
function levelsOn(h: HazardLife, day: string, tz: string): Levels {
  const out: Levels = new Map();
  if (day < h.discoveredDay) return out;
  // closed by then (as the scan reads closed_day): found and closed at its current level, nothing else
  if (h.closedDay !== null && h.closedDay <= day) return out.set(h.current.level, { ...zero(), found: 1, closed: 1 });
  const s = stateAt(h, endOf(day, tz));
  const open = isOpen(s.status);
  return out.set(s.level, {
    books: 1, found: 1, closed: 0, open: Number(open), overdue: Number(open && s.deadline !== null && s.deadline < day), rectified: Number(s.status === 'rectified'),
  });
}

/** Every cell the hazard adds to; a rejected hazard adds only its own `rejected` (it never was a hazard). */
export function contribution(h: HazardLife, tz: string): Contribution {
  const key = (level: Level): Key => ({ regionCode: h.regionCode, sector: h.sector, source: h.source, level });
  const dayCells = new Map<string, DayCell>();
  const dayCell = (day: string, level: Level) => {
    const k = `${day}|${level}`;
    let c = dayCells.get(k);
    if (!c) dayCells.set(k, (c = { ...key(level), day, rejected: 0, closed: 0, books: 0, open: 0, overdue: 0, rectified: 0 }));
    return c;
  };
  if (h.current.status === 'rejected') {
    dayCell(h.discoveredDay, h.current.level).rejected++;
    return { days: [...dayCells.values()], news: [] };
  }
  if (h.current.status === 'closed' && h.closedDay) dayCell(h.closedDay, h.current.level).closed++;
  const news: NewCell[] = [];
  // the levels can only change on these days: when it enters or leaves the books, on a change, and the day
  // after any deadline it ever had (it becomes overdue)
  const days = new Set<string>([h.discoveredDay]);
  if (h.closedDay) days.add(h.closedDay);
  const deadlines = new Set<string | null>([h.current.deadline]);
  for (const c of h.changes) {
    days.add(dayAt(c.at, tz));
    deadlines.add(c.before?.deadline ?? null).add(c.after?.deadline ?? null);
  }
  for (const d of deadlines) if (d !== null) days.add(addDays(d, 1));
  let prev: Levels = new Map();
  for (const day of [...days].filter((d) => d >= h.discoveredDay).sort()) {
    const now = levelsOn(h, day, tz);
    for (const level of new Set([...prev.keys(), ...now.keys()])) {
      const a = prev.get(level) ?? zero();
      const b = now.get(level) ?? zero();
      if (a.books !== b.books || a.open !== b.open || a.overdue !== b.overdue || a.rectified !== b.rectified) {
        const c = dayCell(day, level);
        c.books += b.books - a.books;
        c.open += b.open - a.open;
        c.overdue += b.overdue - a.overdue;
        c.rectified += b.rectified - a.rectified;
      }
      if (a.found !== b.found || a.rectified !== b.rectified || a.closed !== b.closed) {
        news.push({ ...key(level), day, discoveredDay: h.discoveredDay, found: b.found - a.found, rectified: b.rectified - a.rectified, closed: b.closed - a.closed });
      }
    }
    prev = now;
  }
  return { days: [...dayCells.values()].filter((c) => DAY_COUNTS.some((k) => c[k] !== 0)), news };
}

/**
 * The contribution of a hazard just reported (no change yet), written out: what contribution() gives for it,
 * without its replay — the ingest path counts thousands of these per batch.
 */
export function reportedContribution(h: Key & { discoveredDay: string; deadline: string | null }): Contribution {
  const { regionCode, sector, source, level, discoveredDay: x } = h;
  const overdueFrom = h.deadline === null ? null : addDays(h.deadline, 1);
  const late = overdueFrom !== null && overdueFrom <= x;
  const days: DayCell[] = [{ regionCode, sector, source, level, day: x, rejected: 0, closed: 0, books: 1, open: 1, overdue: late ? 1 : 0, rectified: 0 }];
  if (overdueFrom !== null && !late) days.push({ regionCode, sector, source, level, day: overdueFrom, rejected: 0, closed: 0, books: 0, open: 0, overdue: 1, rectified: 0 });
  return { days, news: [{ regionCode, sector, source, level, day: x, discoveredDay: x, found: 1, rectified: 0, closed: 0 }] };
}

const keyOf = (c: Key & { day: string; discoveredDay?: string }) =>
  `${c.day}|${c.discoveredDay ?? ''}|${c.regionCode}|${c.sector}|${c.source}|${c.level}`;

/** Cells summed by key (`sign` −1 takes a contribution away): what one write upserts, zero cells left out. */
export class CellDiff {
  readonly days = new Map<string, DayCell>();
  readonly news = new Map<string, NewCell>();

  add(c: Contribution, sign: 1 | -1 = 1): this {
    for (const d of c.days) {
      const k = keyOf(d);
      let t = this.days.get(k);
      if (!t) {
        t = { regionCode: d.regionCode, sector: d.sector, source: d.source, level: d.level, day: d.day, rejected: 0, closed: 0, books: 0, open: 0, overdue: 0, rectified: 0 };
        this.days.set(k, t);
      }
      t.rejected += sign * d.rejected;
      t.closed += sign * d.closed;
      t.books += sign * d.books;
      t.open += sign * d.open;
      t.overdue += sign * d.overdue;
      t.rectified += sign * d.rectified;
    }
    for (const d of c.news) {
      const k = keyOf(d);
      let t = this.news.get(k);
      if (!t) {
        t = { regionCode: d.regionCode, sector: d.sector, source: d.source, level: d.level, day: d.day, discoveredDay: d.discoveredDay, found: 0, rectified: 0, closed: 0 };
        this.news.set(k, t);
      }
      t.found += sign * d.found;
      t.rectified += sign * d.rectified;
      t.closed += sign * d.closed;
    }
    return this;
  }

  dayCells(): DayCell[] {
    return [...this.days.values()].filter((c) => DAY_COUNTS.some((k) => c[k] !== 0));
  }

  newCells(): NewCell[] {
    return [...this.news.values()].filter((c) => NEW_COUNTS.some((k) => c[k] !== 0));
  }
}

/** The two marginals the store keeps of each cell: by sector and by source. */
export const AXES = ['sector', 'source'] as const;
export type Axis = (typeof AXES)[number];
export type AxisKey = { regionCode: string; axis: Axis; code: string; level: Level };
export const codeOf = (c: Pick<Key, 'sector' | 'source'>, axis: Axis): string => (axis === 'sector' ? c.sector : c.source);

/** One period's sums of the day cells, by axis key: what the store's reads return (server/hazards/briefing-sql.ts). */
export type DaySum = AxisKey & {
  rejected: number; closedIn: number; closedBy: number; books: number; open: number; overdue: number; rectified: number;
};
export type NewSum = AxisKey & { found: number; rectified: number; closed: number };

const axisKey = (c: AxisKey) => `${c.regionCode}|${c.axis}|${c.code}|${c.level}`;

/** The sums a store computes, written plainly over cells (for the property test). */
export function sumCells(days: Iterable<DayCell>, news: Iterable<NewCell>, from: string, to: string, keep: (c: Key) => boolean = () => true): { days: DaySum[]; news: NewSum[] } {
  const d = new Map<string, DaySum>();
  const n = new Map<string, NewSum>();
  for (const axis of AXES) {
    for (const c of days) {
      if (c.day > to || !keep(c)) continue;
      const key: AxisKey = { regionCode: c.regionCode, axis, code: codeOf(c, axis), level: c.level };
      const k = axisKey(key);
      const s = d.get(k) ?? d.set(k, { ...key, rejected: 0, closedIn: 0, closedBy: 0, books: 0, open: 0, overdue: 0, rectified: 0 }).get(k)!;
      s.closedBy += c.closed;
      s.books += c.books;
      s.open += c.open;
      s.overdue += c.overdue;
      s.rectified += c.rectified;
      if (c.day < from) continue;
      s.rejected += c.rejected;
      s.closedIn += c.closed;
    }
    for (const c of news) {
      if (c.day > to || c.discoveredDay < from || c.discoveredDay > to || !keep(c)) continue;
      const key: AxisKey = { regionCode: c.regionCode, axis, code: codeOf(c, axis), level: c.level };
      const k = axisKey(key);
      const s = n.get(k) ?? n.set(k, { ...key, found: 0, rectified: 0, closed: 0 }).get(k)!;
      s.found += c.found;
      s.rectified += c.rectified;
      s.closed += c.closed;
    }
  }
  return { days: [...d.values()], news: [...n.values()] };
}

/** A GroupRow of one axis: the other field is not a marginal of it and stays empty (countPeriod reads `part`). */
const group = (s: AxisKey, n: number): GroupRow => ({
  regionCode: s.regionCode, sector: (s.axis === 'sector' ? s.code : '') as Sector, source: (s.axis === 'source' ? s.code : '') as Source,
  level: s.level, n, part: s.axis,
});

/**
 * The PeriodFacts parts the sums stand for (shared/briefing.ts): the scan's GroupRows as marginals (`part`),
 * `discovered` by the level at the end of the period, and `ends` in place of the scan's `unsettled` hazards
 * (the period's new hazards closed by its end included, in place of the scan's `closures`).
 */
export function factsFromSums(days: readonly DaySum[], news: readonly NewSum[]): { discovered: GroupRow[]; closed: GroupRow[]; closedBy: GroupRow[]; rejected: GroupRow[]; ends: EndRow[] } {
  const out = { discovered: [] as GroupRow[], closed: [] as GroupRow[], closedBy: [] as GroupRow[], rejected: [] as GroupRow[], ends: [] as EndRow[] };
  const newOf = new Map<string, NewSum>();
  for (const s of news) {
    if (s.found) out.discovered.push(group(s, s.found));
    if (s.rectified || s.closed) newOf.set(axisKey(s), s);
  }
  const end = (s: AxisKey, v: { n: number; open: number; overdue: number; rectified: number }, nw: NewSum | undefined): EndRow =>
    ({ ...group(s, v.n), open: v.open, overdue: v.overdue, rectified: v.rectified, newRectified: nw?.rectified ?? 0, newClosed: nw?.closed ?? 0 });
  for (const s of days) {
    if (s.closedIn) out.closed.push(group(s, s.closedIn));
    if (s.closedBy) out.closedBy.push(group(s, s.closedBy));
    if (s.rejected) out.rejected.push(group(s, s.rejected));
    const k = axisKey(s);
    const nw = newOf.get(k);
    newOf.delete(k);
    if (s.books || s.open || s.overdue || s.rectified || nw) out.ends.push(end(s, { n: s.books, open: s.open, overdue: s.overdue, rectified: s.rectified }, nw));
  }
  // a new hazard rectified or closed at the end has counted in a day sum of its key: this only guards the shape
  for (const nw of newOf.values()) out.ends.push(end(nw, { n: 0, open: 0, overdue: 0, rectified: 0 }, nw));
  return out;
}
