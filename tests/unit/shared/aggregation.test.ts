import { describe, expect, it } from 'vitest';
import {
  Aggregates, addFacts, applyChanges, emptyCounts, closeOutRate, majorCloseOutRate, majorRectifiedRate, rectifiedRate, summarizeFacts, touchesOf, type Facts, type Touch,
} from '../../../shared/aggregation';
import { SECTOR_CODES, type Level, type Sector } from '../../../shared/domain';
import { ALL_REGIONS, PROVINCE_CODE, childrenOf } from '../../../shared/regions';
import type { Counts } from '../../../shared/schemas';
import { addDays } from '../../../shared/time';
import { rng } from '../../helpers/hazards';
import { applyOp, modelOf, pickOp, tally, zeroCounts, type ModelHazard } from '../../helpers/stream';

const TODAY = '2024-11-18';
const YESTERDAY = '2024-11-17';
const TOMORROW = '2024-11-19';
const facts = (over: Partial<Facts>): Facts =>
  ({ regionCode: '141102', sector: 'coal', level: 'general', status: 'reported', deadline: null, listed: false, ...over });
const counts = (over: Partial<Counts>): Counts => ({ ...zeroCounts(), ...over });

describe('addFacts', () => {
  it.each([
    ['general, reported, no deadline', facts({}), counts({ total: 1, open: 1 })],
    ['major, reported, due tomorrow', facts({ level: 'major', deadline: TOMORROW }), counts({ total: 1, major: 1, open: 1, majorOpen: 1 })],
    ['major, reported, due today (not yet overdue)', facts({ level: 'major', deadline: TODAY }), counts({ total: 1, major: 1, open: 1, majorOpen: 1 })],
    ['major, reported, due yesterday', facts({ level: 'major', deadline: YESTERDAY }), counts({ total: 1, major: 1, open: 1, majorOpen: 1, overdue: 1 })],
    ['general, rectifying, due yesterday', facts({ status: 'rectifying', deadline: YESTERDAY }), counts({ total: 1, open: 1, overdue: 1 })],
    ['major, rectified, due yesterday', facts({ level: 'major', status: 'rectified', deadline: YESTERDAY }), counts({ total: 1, major: 1, rectified: 1, majorRectified: 1 })],
    ['major, closed, due yesterday', facts({ level: 'major', status: 'closed', deadline: YESTERDAY }), counts({ total: 1, major: 1, closed: 1, majorClosed: 1 })],
    ['major, rejected', facts({ level: 'major', status: 'rejected', deadline: YESTERDAY, listed: true }), counts({})],
    ['general, reported, listed', facts({ listed: true }), counts({ total: 1, open: 1, listed: 1 })],
    ['general, closed, listed', facts({ status: 'closed', listed: true }), counts({ total: 1, closed: 1 })],
    ['major, rectifying, listed, overdue', facts({ level: 'major', status: 'rectifying', listed: true, deadline: '2024-01-01' }),
      counts({ total: 1, major: 1, open: 1, majorOpen: 1, overdue: 1, listed: 1 })],
  ])('%s', (_name, f, expected) => {
    const c = emptyCounts();
    addFacts(c, f, TODAY);
    expect(c).toEqual(expected);
    addFacts(c, f, TODAY, -1);
    expect(c).toEqual(zeroCounts());
  });

  // docs/DOMAIN.md "Rates": 整改率 counts 已整改待验收 as rectified, 销号率 does not; both also for major alone
  it.each([
    ['nothing', counts({}), { rectified: 0, closeOut: 0, majorRectified: 0, majorCloseOut: 0 }],
    ['2 closed + 1 awaiting acceptance of 4', counts({ total: 4, rectified: 1, closed: 2 }), { rectified: 0.75, closeOut: 0.5, majorRectified: 0, majorCloseOut: 0 }],
    ['majors: 1 closed, 1 awaiting, of 4', counts({ total: 8, major: 4, rectified: 2, majorRectified: 1, closed: 3, majorClosed: 1 }),
      { rectified: 5 / 8, closeOut: 3 / 8, majorRectified: 0.5, majorCloseOut: 0.25 }],
    ['all closed', counts({ total: 3, major: 3, closed: 3, majorClosed: 3 }), { rectified: 1, closeOut: 1, majorRectified: 1, majorCloseOut: 1 }],
  ])('rates: %s', (_n, c, want) => {
    expect({ rectified: rectifiedRate(c), closeOut: closeOutRate(c), majorRectified: majorRectifiedRate(c), majorCloseOut: majorCloseOutRate(c) }).toEqual(want);
  });
});

describe('Aggregates.summaryBody', () => {
  it.each([
    [PROVINCE_CODE, 11],
    ['141100', 13],
    ['140300', 5],
    ['141102', 0],
  ])('of %s has every one of its %i children and every sector, zeros included, and no matrix', (region, n) => {
    const body = new Aggregates().summaryBody(region);
    expect(Object.keys(body.byRegion).sort()).toEqual(childrenOf(region).map((c) => c.code).sort());
    expect(Object.keys(body.byRegion)).toHaveLength(n);
    for (const c of Object.values(body.byRegion)) expect(c).toEqual(zeroCounts());
    expect(Object.keys(body.bySector).sort()).toEqual([...SECTOR_CODES].sort());
    expect(body.totals).toEqual(zeroCounts());
    expect(body.matrix).toEqual({});
  });

  const agg = new Aggregates();
  agg.apply(facts({ regionCode: '141102', sector: 'coal', level: 'major', deadline: TOMORROW }), TODAY, 1);
  agg.apply(facts({ regionCode: '141100', sector: 'gas' }), TODAY, 1); // on the city code: no county
  agg.apply(facts({ regionCode: '140105', sector: 'coal', status: 'closed' }), TODAY, 1);
  const one = (over: Partial<Counts>) => counts({ total: 1, ...over });

  it('counts a hazard on a city code in the city and the province, in no county', () => {
    const city = agg.summaryBody('141100');
    expect(city.totals).toEqual(counts({ total: 2, major: 1, open: 2, majorOpen: 1 }));
    const countySum = Object.values(city.byRegion).reduce((s, c) => s + c.total, 0);
    expect(countySum).toBe(1);
    expect(city.byRegion['141102']).toEqual(one({ major: 1, open: 1, majorOpen: 1 }));
    expect(city.matrix).toEqual({ '141102': { coal: one({ major: 1, open: 1, majorOpen: 1 }) } });
    expect(city.bySector.gas).toEqual(one({ open: 1 }));

    const province = agg.summaryBody(PROVINCE_CODE);
    expect(province.totals.total).toBe(3);
    expect(province.byRegion['141100']).toEqual(counts({ total: 2, major: 1, open: 2, majorOpen: 1 }));
    expect(province.byRegion['140100']).toEqual(one({ closed: 1 }));
    expect(province.byRegion['140200']).toEqual(zeroCounts());
    expect(province.matrix).toEqual({
      '141100': { coal: one({ major: 1, open: 1, majorOpen: 1 }), gas: one({ open: 1 }) },
      '140100': { coal: one({ closed: 1 }) },
    });
    expect(province.bySector.coal).toEqual(counts({ total: 2, major: 1, open: 1, majorOpen: 1, closed: 1 }));

    const county = agg.summaryBody('141102');
    expect(county.totals).toEqual(one({ major: 1, open: 1, majorOpen: 1 }));
    expect(county.byRegion).toEqual({});
    expect(county.matrix).toEqual({});
  });

  it('sends an emptied matrix row as {} and the client drops it', () => {
    const a = new Aggregates();
    const f = facts({ regionCode: '140302', sector: 'fire' });
    a.apply(f, TODAY, 1);
    const snapshot = a.summaryBody(PROVINCE_CODE);
    expect(snapshot.matrix['140300']).toBeDefined();
    a.apply(f, TODAY, -1);
    a.apply({ ...f, status: 'rejected' }, TODAY, 1);
    const changes = a.changesFor(PROVINCE_CODE, touchesOf(f.regionCode, f.sector).filter((t) => t.region === PROVINCE_CODE));
    expect(changes.matrix).toEqual({ '140300': {} });
    applyChanges(snapshot, changes);
    expect(snapshot).toEqual(a.summaryBody(PROVINCE_CODE));
    expect(snapshot.matrix).toEqual({});
  });
});

// ---- a random stream applied one change at a time equals counting from scratch ----------------

const REPORTABLE = ALL_REGIONS.filter((r) => r.level !== 'province');
const WATCHED = [PROVINCE_CODE, '141100', '141102', '140100', '140302'];
const factsOfModel = (h: ModelHazard): Facts => ({
  regionCode: h.regionCode, sector: h.sector, level: h.level, status: h.status, deadline: h.deadline, listed: h.listedBy !== null,
});

function newHazard(r: ReturnType<typeof rng>, i: number, today: string): ModelHazard {
  const level: Level = r.next() < 0.25 ? 'major' : 'general';
  const deadline = level === 'major' || r.next() < 0.7 ? addDays(today, r.int(20) - 8) : undefined;
  return modelOf({ id: `R-${i}`, regionCode: r.pick(REPORTABLE).code, sector: r.pick(SECTOR_CODES) as Sector, level, deadline });
}

/** Runs the stream; at checkpoints, applies the deltas since the last one to old snapshots. */
function runStream(seed: number, steps: number) {
  const r = rng(seed);
  const agg = new Aggregates();
  const hazards: ModelHazard[] = [];
  let today = TODAY;
  const snapshots = new Map(WATCHED.map((w) => [w, agg.summaryBody(w)]));
  const pending = new Map(WATCHED.map((w) => [w, new Map<string, Touch>()]));
  const touch = (f: Pick<Facts, 'regionCode' | 'sector'>) => {
    for (const t of touchesOf(f.regionCode, f.sector)) pending.get(t.region)?.set(`${t.child ?? ''}|${t.sector}`, t);
  };
  const kinds = { report: 0, mutation: 0, day: 0, deltas: 0 };

  for (let step = 1; step <= steps; step++) {
    const roll = r.next();
    if (roll < 0.35 || hazards.length < 5) {
      const h = newHazard(r, step, today);
      hazards.push(h);
      agg.apply(factsOfModel(h), today, 1);
      touch(h);
      kinds.report++;
    } else if (roll < 0.93) {
      const op = pickOp(r, hazards, today);
      if (!op) continue;
      const h = hazards.find((x) => x.id === op.id)!;
      const before = factsOfModel(h);
      applyOp(h, op);
      agg.apply(before, today, -1);
      agg.apply(factsOfModel(h), today, 1);
      touch(h);
      kinds.mutation++;
    } else {
      // the day turns: open hazards due in [today, next) become overdue, grouped as the server does
      const next = addDays(today, 1 + r.int(3));
      const groups = new Map<string, { regionCode: string; sector: Sector; n: number }>();
      for (const h of hazards) {
        if ((h.status === 'reported' || h.status === 'rectifying') && h.deadline !== null && h.deadline >= today && h.deadline < next) {
          const g = groups.get(`${h.regionCode}|${h.sector}`) ?? { regionCode: h.regionCode, sector: h.sector, n: 0 };
          g.n++;
          groups.set(`${h.regionCode}|${h.sector}`, g);
        }
      }
      for (const g of groups.values()) {
        agg.addCounter(g.regionCode, g.sector, { overdue: g.n });
        touch(g);
      }
      today = next;
      kinds.day++;
    }
    if (step % 40 === 0 || step === steps) {
      for (const w of WATCHED) {
        const touched = [...pending.get(w)!.values()];
        const changes = agg.changesFor(w, touched);
        // only the touched entries travel
        for (const k of Object.keys(changes.byRegion ?? {})) expect(touched.some((t) => t.child === k)).toBe(true);
        for (const k of Object.keys(changes.bySector ?? {})) expect(touched.some((t) => t.sector === k)).toBe(true);
        const snapshot = snapshots.get(w)!;
        applyChanges(snapshot, changes);
        expect(snapshot, `${w} at step ${step}`).toEqual(agg.summaryBody(w));
        pending.get(w)!.clear();
        kinds.deltas++;
      }
      expect(agg.summaryBody(PROVINCE_CODE)).toEqual(summarizeFacts(PROVINCE_CODE, hazards.map(factsOfModel), today));
    }
  }
  return { agg, hazards, today, kinds };
}

describe('a random stream of changes', () => {
  it.each([1, 2, 3, 42, 2024, 777])('seed %i: incremental aggregates equal counting from scratch, and deltas rebuild snapshots', (seed) => {
    const { agg, hazards, today, kinds } = runStream(seed, 800);
    // the stream exercised every kind of change
    expect(kinds.report).toBeGreaterThan(100);
    expect(kinds.mutation).toBeGreaterThan(200);
    expect(kinds.day).toBeGreaterThan(10);
    const statuses = new Set(hazards.map((h) => h.status));
    expect(statuses.size).toBe(5);
    const facts = hazards.map(factsOfModel);
    for (const region of ALL_REGIONS) {
      const body = agg.summaryBody(region.code);
      expect(body, region.code).toEqual(summarizeFacts(region.code, facts, today));
      expect(body, `${region.code} (reference tally)`).toEqual(tally(region.code, hazards, today));
    }
    expect(agg.totals(PROVINCE_CODE).overdue).toBeGreaterThan(0);
  }, 30_000);
});
