/**
 * Daily aggregates equal the scan: for random lawful histories, regions and periods, the briefing built from the
 * sums of the hazards' per-day contributions (server/briefing/daily.ts) is exactly the briefing built from the
 * period's facts as the scan returns them (tests/helpers/briefing-sim.ts simFacts mirrors
 * server/hazards/briefing-sql.ts periodFactsWith) — every figure, region, sector, source, flag and the text.
 * tests/integration/briefing-days.test.ts checks the same through both real stores.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PeriodFacts } from '../../../shared/briefing';
import { buildBriefing } from '../../../shared/briefing-build';
import { CAMPAIGN_START, previousPeriod, yearAgoPeriod, type Period } from '../../../shared/briefing-period';
import { PROVINCE_CODE, childrenOf, isWithin } from '../../../shared/regions';
import { addDays, dayOf } from '../../../shared/time';
import { CellDiff, contribution, factsFromSums, reportedContribution, sumCells, type HazardLife } from '../../../server/briefing/daily';
import { rng } from '../../helpers/hazards';
import { simChanges, simFacts, simHazard, simStateAt, type SimHazard } from '../../helpers/briefing-sim';

const TZ = 'Asia/Shanghai';
const NOW = Date.parse('2024-11-25T04:00:00Z');
const TODAY = dayOf(NOW, TZ);

/** The history as the store keeps it: the state after each change, changes after `reported` in order. */
function lifeOf(h: SimHazard): HazardLife {
  const changes = simChanges(h);
  const closed = h.events.find((e) => e.to === 'closed');
  return {
    id: h.id, regionCode: h.regionCode, sector: h.sector, source: h.source, discoveredDay: dayOf(h.discoveredAt, TZ),
    current: simStateAt(h, Infinity), closedDay: closed ? dayOf(closed.at, TZ) : null, changes,
  };
}

/** A period from cells: the sums, and the history's own facts (closures, extensions, listings) as the scan reads them. */
function cellFacts(cells: CellDiff, all: SimHazard[], region: string, from: string, to: string): PeriodFacts {
  const keep = (c: { regionCode: string }) => isWithin(c.regionCode, region);
  const sums = sumCells(cells.dayCells(), cells.newCells(), from, to, keep);
  const scan = simFacts(all, region, from, to, TZ);
  // the closures are counted in the sums; their times are listed as the store lists them for the units that can flag
  return { from, to, ...factsFromSums(sums.days, sums.news), unsettled: [], closures: [], flaggedClosures: scan.closures, extended: scan.extended, provinceListed: scan.provinceListed };
}

function briefingOf(facts: (from: string, to: string) => PeriodFacts, region: string, period: Period) {
  const prev = previousPeriod(period);
  const ago = yearAgoPeriod(period);
  const campaignFrom = CAMPAIGN_START <= period.to ? CAMPAIGN_START : period.to;
  return buildBriefing({
    region, lang: 'zh', tz: TZ, generatedAt: new Date(NOW).toISOString(),
    current: facts(period.from, period.to), previous: facts(prev.from, prev.to), yearAgo: facts(ago.from, ago.to),
    campaign: facts(campaignFrom, period.to), trend: { from: period.from, to: period.to, rows: [] },
  });
}

describe('daily aggregates', () => {
  it('give the briefing of a scan of the history for random histories, regions and periods', () => {
    const regions = [PROVINCE_CODE, '141100', childrenOf('141100')[0]!.code, '140100'];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 0, max: 90 }), fc.integer({ min: 0, max: 40 }), fc.constantFrom(...regions),
        (seed, back, length, region) => {
          const r = rng(seed);
          const all = Array.from({ length: 120 }, (_, i) => simHazard(r, i, NOW));
          const cells = new CellDiff();
          for (const h of all) cells.add(contribution(lifeOf(h), TZ));
          const to = addDays(TODAY, -Math.min(back, 80));
          const period = { from: addDays(to, -length), to };
          const fromCells = briefingOf((f, t) => cellFacts(cells, all, region, f, t), region, period);
          const fromScan = briefingOf((f, t) => simFacts(all, region, f, t, TZ), region, period);
          expect(fromCells).toEqual(fromScan);
        }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('counts a hazard just reported as the general rule does, on the ingest path without replay', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
      const h = simHazard(rng(seed), 1, NOW);
      const life: HazardLife = { ...lifeOf(h), current: { status: 'reported', level: h.level, deadline: h.deadline }, closedDay: null, changes: [] };
      const fast = reportedContribution({ ...life, level: h.level, deadline: h.deadline });
      expect(new CellDiff().add(fast).dayCells()).toEqual(new CellDiff().add(contribution(life, TZ)).dayCells());
      expect(fast.news).toEqual(contribution(life, TZ).news);
    }), { numRuns: 300 });
  });

  it('replacing a contribution by the next one is the same as counting the hazard afresh', () => {
    const r = rng(7);
    const h = simHazard(r, 1, NOW);
    const full = lifeOf(h);
    const diff = new CellDiff();
    // as the store applies each change: take away what the hazard counted for, add what it counts for now
    let before: HazardLife = { ...full, current: simStateAt(h, h.discoveredAt + 1), closedDay: null, changes: [] };
    diff.add(contribution(before, TZ));
    for (let k = 1; k <= full.changes.length; k++) {
      const changes = full.changes.slice(0, k);
      const closed = h.events.slice(0, k).find((e) => e.to === 'closed');
      const after: HazardLife = { ...full, current: changes[k - 1]!.after!, closedDay: closed ? dayOf(closed.at, TZ) : null, changes };
      diff.add(contribution(before, TZ), -1).add(contribution(after, TZ));
      before = after;
    }
    expect(diff.dayCells()).toEqual(new CellDiff().add(contribution(full, TZ)).dayCells());
    expect(diff.newCells()).toEqual(new CellDiff().add(contribution(full, TZ)).newCells());
  });

  it('moves a level change and a rejection on the days they happened, and keeps only `rejected` of a rejected hazard', () => {
    const base: HazardLife = {
      id: 'X', regionCode: '141102', sector: 'coal', source: 'self_check', discoveredDay: '2024-11-01',
      current: { status: 'rectifying', level: 'major', deadline: '2024-11-10' }, closedDay: null,
      changes: [{ seq: 2, at: '2024-11-05T02:00:00.000Z', before: { status: 'reported', level: 'general', deadline: '2024-11-10' }, after: { status: 'rectifying', level: 'major', deadline: '2024-11-10' } }],
    };
    const { days, news } = contribution(base, TZ);
    // open as general from the 1st, as major from the 5th; overdue from the 11th (deadline before the day)
    expect(days.map((c) => [c.day, c.level, c.books, c.open, c.overdue])).toEqual([
      ['2024-11-01', 'general', 1, 1, 0], ['2024-11-05', 'general', -1, -1, 0], ['2024-11-05', 'major', 1, 1, 0], ['2024-11-11', 'major', 0, 0, 1],
    ]);
    // a period discovering it and ending on the 4th finds a general hazard, one ending on the 5th a major one
    expect(news.map((c) => [c.day, c.discoveredDay, c.level, c.found])).toEqual([
      ['2024-11-01', '2024-11-01', 'general', 1], ['2024-11-05', '2024-11-01', 'general', -1], ['2024-11-05', '2024-11-01', 'major', 1],
    ]);
    const rejected = contribution({ ...base, current: { ...base.current, status: 'rejected' } }, TZ);
    expect(rejected.news).toEqual([]);
    expect(rejected.days.map((c) => [c.day, c.level, c.rejected, c.books])).toEqual([['2024-11-01', 'major', 1, 0]]);
  });
});
