/**
 * Daily aggregates equal the scan: for random lawful histories and random periods, the sums over days of the
 * hazards' per-day contributions (server/briefing/daily.ts) give exactly what shared/briefing.ts countPeriod
 * counts from the period's facts as the store's queries return them (tests/helpers/briefing-sim.ts simFacts) —
 * for the region, each child and each sector.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countPeriod, childOf, type Acc } from '../../../shared/briefing-count';
import { SECTOR_CODES } from '../../../shared/domain';
import { PROVINCE_CODE, childrenOf, isWithin } from '../../../shared/regions';
import { addDays, dayOf } from '../../../shared/time';
import { contribution, sumPeriod, type DailyCell, type HazardLife } from '../../../server/briefing/daily';
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

// the figures whose rule is the same in both: newMajor follows the level at the time in the scan (issue 13) and
// the current level here, so it is left out until contribution() keys `new` by the level it had then
const pick = (a: Acc) => ({ new: a.new, closed: a.closed, open: a.open, overdue: a.overdue });
const same = (s: ReturnType<typeof sumPeriod>) => ({ new: s.new, closed: s.closed, open: s.open, overdue: s.overdue });

function compare(all: SimHazard[], region: string, from: string, to: string): void {
  const cells: DailyCell[] = all.filter((h) => isWithin(h.regionCode, region)).flatMap((h) => contribution(lifeOf(h), TZ));
  const scan = countPeriod(region, simFacts(all, region, from, to, TZ), TZ);
  expect(same(sumPeriod(cells, from, to))).toEqual(pick(scan.total));
  for (const [child, acc] of scan.byChild) expect(same(sumPeriod(cells, from, to, (c) => childOf(region, c.regionCode) === child)), child).toEqual(pick(acc));
  for (const s of SECTOR_CODES) expect(same(sumPeriod(cells, from, to, (c) => c.sector === s)), s).toEqual(pick(scan.bySector.get(s)!));
}

describe('daily aggregates', () => {
  it('equal a scan of the history for random histories and periods', () => {
    const regions = [PROVINCE_CODE, '141100', childrenOf('141100')[0]!.code, '140100'];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 0, max: 90 }), fc.integer({ min: 0, max: 40 }), fc.constantFrom(...regions),
        (seed, back, length, region) => {
          const r = rng(seed);
          const all = Array.from({ length: 120 }, (_, i) => simHazard(r, i, NOW));
          const to = addDays(TODAY, -Math.min(back, 80));
          compare(all, region, addDays(to, -length), to);
        }),
      { numRuns: 50 },
    );
  }, 120_000);

  it('moves a level change and a rejection on the days they happened, and keeps nothing of a rejected hazard', () => {
    const base: HazardLife = {
      id: 'X', regionCode: '141102', sector: 'coal', source: 'self_check', discoveredDay: '2024-11-01',
      current: { status: 'rectifying', level: 'major', deadline: '2024-11-10' }, closedDay: null,
      changes: [{ seq: 2, at: '2024-11-05T02:00:00.000Z', before: { status: 'reported', level: 'general', deadline: '2024-11-10' }, after: { status: 'rectifying', level: 'major', deadline: '2024-11-10' } }],
    };
    const cells = contribution(base, TZ);
    // open as general from the 1st, as major from the 5th; overdue from the 11th (deadline before the day)
    expect(cells.filter((c) => c.open || c.overdue).map((c) => [c.day, c.level, c.open, c.overdue])).toEqual([
      ['2024-11-01', 'general', 1, 0], ['2024-11-05', 'general', -1, 0], ['2024-11-05', 'major', 1, 0], ['2024-11-11', 'major', 0, 1],
    ]);
    expect(contribution({ ...base, current: { ...base.current, status: 'rejected' } }, TZ)).toEqual([]);
  });
});
