/**
 * Daily aggregates for briefings (issue 11, part 2 — the pure half; the table that keeps them is not built
 * yet, see docs/ARCHITECTURE.md "Briefings from daily aggregates"). A hazard's whole contribution to the
 * per-day counts is a function of its history: flows on the day they happened (new, newMajor, closed), and
 * for the end-of-day levels (open, overdue) the *changes* of the level on the day it changed, so the level at
 * the end of any day D is the sum of the deltas of days ≤ D. A briefing of any period is then a sum over days.
 *
 * Maintained per change by replacing a hazard's old contribution with its new one (the difference of the two
 * is a handful of cells), the counts stay exact whatever the order of the changes' `at` — a rejection removes
 * the hazard from every past day, as the scan does — and a level change moves the open count between levels
 * on the day it happened. The semantics are those of the scan in shared/briefing.ts (countPeriod): the
 * property test tests/unit/server/daily-aggregates.test.ts checks the two agree for random histories and periods.
 */
import { isOpen, type Level, type Sector, type Source } from '../../shared/domain';
import { stateAt, type StateChange, type StateFacts } from '../../shared/briefing';
import { addDays, dayOf, startOfDay } from '../../shared/time';

export type DailyCell = {
  day: string; regionCode: string; sector: Sector; level: Level; source: Source;
  /** flows of that day */
  new: number; newMajor: number; closed: number;
  /** changes of the end-of-day levels on that day */
  open: number; overdue: number;
};

/** What a hazard's contribution is computed from: its constant facts, its current state, its changes after `reported`. */
export type HazardLife = {
  id: string; regionCode: string; sector: Sector; source: Source; discoveredDay: string;
  current: StateFacts; closedDay: string | null; changes: StateChange[];
};

type Levels = Map<Level, { open: number; overdue: number }>;

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

/** Open and overdue at the end of `day`, by the level the hazard had then; empty when it was not on the books. */
function levelsOn(h: HazardLife, day: string, tz: string): Levels {
  const out: Levels = new Map();
  if (day < h.discoveredDay || (h.closedDay !== null && h.closedDay <= day)) return out;
  const s = stateAt(h, endOf(day, tz));
  if (isOpen(s.status)) out.set(s.level, { open: 1, overdue: s.deadline !== null && s.deadline < day ? 1 : 0 });
  return out;
}

/** Every cell the hazard adds to; a rejected hazard adds to none (it never was a hazard). */
export function contribution(h: HazardLife, tz: string): DailyCell[] {
  if (h.current.status === 'rejected') return [];
  const cells = new Map<string, DailyCell>();
  const cell = (day: string, level: Level) => {
    const k = `${day}|${level}`;
    let c = cells.get(k);
    if (!c) cells.set(k, (c = { day, regionCode: h.regionCode, sector: h.sector, level, source: h.source, new: 0, newMajor: 0, closed: 0, open: 0, overdue: 0 }));
    return c;
  };
  const nw = cell(h.discoveredDay, h.current.level);
  nw.new++;
  if (h.current.level === 'major') nw.newMajor++;
  if (h.current.status === 'closed' && h.closedDay) cell(h.closedDay, h.current.level).closed++;
  // the levels can only change on these days: when it enters or leaves the books, on a change, and the day
  // after any deadline it ever had (it becomes overdue)
  const days = new Set<string>([h.discoveredDay]);
  if (h.closedDay) days.add(h.closedDay);
  const deadlines = new Set<string | null>([h.current.deadline]);
  for (const c of h.changes) {
    days.add(dayOf(Date.parse(c.at), tz));
    deadlines.add(c.before?.deadline ?? null).add(c.after?.deadline ?? null);
  }
  for (const d of deadlines) if (d !== null) days.add(addDays(d, 1));
  let prev: Levels = new Map();
  for (const day of [...days].filter((d) => d >= h.discoveredDay).sort()) {
    const now = levelsOn(h, day, tz);
    for (const level of new Set([...prev.keys(), ...now.keys()])) {
      const a = prev.get(level) ?? { open: 0, overdue: 0 };
      const b = now.get(level) ?? { open: 0, overdue: 0 };
      if (a.open === b.open && a.overdue === b.overdue) continue;
      const c = cell(day, level);
      c.open += b.open - a.open;
      c.overdue += b.overdue - a.overdue;
    }
    prev = now;
  }
  return [...cells.values()].filter((c) => c.new || c.closed || c.open || c.overdue);
}

/** The counts of a period from cells: flows summed over its days, levels and books over every day up to its end. */
export type DailySum = { new: number; newMajor: number; closed: number; open: number; overdue: number; onBooks: number; closedBy: number };

export function sumPeriod(cells: Iterable<DailyCell>, from: string, to: string, keep: (c: DailyCell) => boolean = () => true): DailySum {
  const s: DailySum = { new: 0, newMajor: 0, closed: 0, open: 0, overdue: 0, onBooks: 0, closedBy: 0 };
  for (const c of cells) {
    if (c.day > to || !keep(c)) continue;
    s.open += c.open;
    s.overdue += c.overdue;
    s.onBooks += c.new;
    s.closedBy += c.closed;
    if (c.day < from) continue;
    s.new += c.new;
    s.newMajor += c.newMajor;
    s.closed += c.closed;
  }
  return s;
}
