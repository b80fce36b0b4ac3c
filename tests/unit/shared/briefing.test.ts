import { describe, expect, it } from 'vitest';
import { BriefingSchema, RATE_KEYS, isRateKey, stateAt, type Briefing, type Lang, type PeriodCounts } from '../../../shared/briefing';
import type { Period } from '../../../shared/briefing-period';
import { pct1, points } from '../../../shared/briefing-text';
import { SECTOR_CODES } from '../../../shared/domain';
import { PROVINCE_CODE, childrenOf } from '../../../shared/regions';
import { dayOf } from '../../../shared/time';
import { rng } from '../../helpers/hazards';
import { expectedCounts, inChild, simBriefing, simFacts, simHazard, type SimHazard } from '../../helpers/briefing-sim';

const NOW = Date.parse('2024-12-20T06:00:00Z');

const briefingOf = (all: SimHazard[], region: string, period: Period, lang: Lang = 'zh'): Briefing => simBriefing(all, region, period, lang, NOW);

const generated = (seed: number, n: number): SimHazard[] => {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => simHazard(r, i, NOW));
};

describe('briefing numbers against an independent count', () => {
  const all = generated(7, 1500);
  it.each([
    ['province, one week', PROVINCE_CODE, { from: '2024-12-09', to: '2024-12-15' }],
    ['province, one day', PROVINCE_CODE, { from: '2024-11-18', to: '2024-11-18' }],
    ['province, a month', PROVINCE_CODE, { from: '2024-11-01', to: '2024-11-30' }],
    ['city 吕梁, two weeks', '141100', { from: '2024-11-25', to: '2024-12-08' }],
    ['county 离石区, a month', '141102', { from: '2024-11-10', to: '2024-12-09' }],
  ])('%s', (_name, region, period) => {
    const b = briefingOf(all, region, period);
    expect(BriefingSchema.safeParse(b).success).toBe(true);
    expect(b.current).toEqual(expectedCounts(all, region, period.from, period.to));
    expect(b.previous).toEqual(expectedCounts(all, region, b.previousPeriod.from, b.previousPeriod.to));
    expect(b.current.new).toBeGreaterThan(0);
    expect(Object.keys(b.byRegion).sort()).toEqual(childrenOf(region).map((c) => c.code).sort());
    for (const child of Object.keys(b.byRegion)) {
      expect(b.byRegion[child], child).toEqual(expectedCounts(all, region, period.from, period.to, inChild(region, child)));
    }
    expect(Object.keys(b.bySector).sort()).toEqual([...SECTOR_CODES].sort());
    for (const s of SECTOR_CODES) {
      expect(b.bySector[s], s).toEqual(expectedCounts(all, region, period.from, period.to, (h) => h.sector === s));
    }
  });

  it('the parts add up: children (+ unassigned) and sectors sum to the region for every count', () => {
    const b = briefingOf(all, '141100', { from: '2024-11-01', to: '2024-12-15' });
    const keys = Object.keys(b.current).filter((k) => !isRateKey(k)) as Array<keyof PeriodCounts>;
    expect(keys.length).toBeGreaterThan(10);
    for (const k of keys) {
      const kids = Object.values(b.byRegion).reduce((s, c) => s + c[k], 0) + (b.unassigned?.[k] ?? 0);
      expect(kids, k).toBe(b.current[k]);
      expect(Object.values(b.bySector).reduce((s, c) => s + c[k], 0), k).toBe(b.current[k]);
    }
  });

  it('has no year-ago figures where the store holds nothing from back then', () => {
    const b = briefingOf(all, PROVINCE_CODE, { from: '2024-12-09', to: '2024-12-15' });
    expect(b.yearAgo).toBeNull();
    expect(b.change.yearAgo).toBeNull();
    const then: SimHazard = {
      id: 'OLD-1', regionCode: '140105', sector: 'gas', level: 'major', source: 'inspection',
      discoveredAt: Date.parse('2023-12-10T02:00:00Z'), deadline: '2023-12-12', events: [{ at: Date.parse('2024-01-05T02:00:00Z'), to: 'rectifying' }],
    };
    const withOld = briefingOf([...all, then], PROVINCE_CODE, { from: '2024-12-09', to: '2024-12-15' });
    expect(withOld.yearAgo).toMatchObject({ new: 1, newMajor: 1, closed: 0, open: 1, overdue: 1, rectificationRate: 0, total: 1, major: 1 });
    expect(withOld.yearAgoPeriod).toEqual({ from: '2023-12-09', to: '2023-12-15' });
    expect(withOld.change.yearAgo?.new.diff).toBe(withOld.current.new - 1);
  });
});

describe('period boundaries in Asia/Shanghai', () => {
  const at = (iso: string) => Date.parse(iso);
  const h: SimHazard = {
    id: 'B-1', regionCode: '141102', sector: 'coal', level: 'major', source: 'self_check',
    discoveredAt: at('2024-11-17T16:30:00Z'), deadline: '2024-11-19',
    events: [{ at: at('2024-11-19T15:59:00Z'), to: 'rectifying' }, { at: at('2024-11-19T16:00:00Z'), to: 'rectified' }, { at: at('2024-11-20T16:10:00Z'), to: 'closed' }],
  };

  it('a hazard discovered at 2024-11-17T16:30Z belongs to 11-18', () => {
    expect(dayOf(h.discoveredAt, 'Asia/Shanghai')).toBe('2024-11-18');
    expect(briefingOf([h], '141100', { from: '2024-11-17', to: '2024-11-17' }).current.new).toBe(0);
    expect(briefingOf([h], '141100', { from: '2024-11-18', to: '2024-11-18' }).current).toMatchObject({ new: 1, newMajor: 1, open: 1, overdue: 0 });
  });

  it.each([
    // a move at 23:59 of 11-19 counts on 11-19; one at 00:00 of 11-20 does not
    ['2024-11-19', { open: 1, overdue: 0, closed: 0, rectificationRate: 0 }],
    ['2024-11-20', { open: 0, overdue: 0, closed: 0, rectificationRate: 0 }],
    ['2024-11-21', { open: 0, overdue: 0, closed: 1, rectificationRate: 1 }],
  ])('as at the end of %s', (day, expected) => {
    expect(briefingOf([h], '141100', { from: day, to: day }).current).toMatchObject(expected);
  });

  it('overdue as at the end of a day: deadline before that day, still open', () => {
    const late: SimHazard = { ...h, id: 'B-2', events: [{ at: at('2024-11-25T02:00:00Z'), to: 'rectifying' }] };
    expect(briefingOf([late], '141102', { from: '2024-11-19', to: '2024-11-19' }).current).toMatchObject({ open: 1, overdue: 0 });
    expect(briefingOf([late], '141102', { from: '2024-11-20', to: '2024-11-20' }).current).toMatchObject({ open: 1, overdue: 1 });
  });

  it('stateAt takes the last change before the end, the reported state before any', () => {
    const facts = simFacts([h], '141102', '2024-11-18', '2024-11-18');
    const u = facts.unsettled[0]!;
    expect(stateAt(u, at('2024-11-19T00:00:00Z')).status).toBe('reported');
    expect(stateAt(u, at('2024-11-19T16:00:00Z')).status).toBe('rectifying');
    expect(stateAt(u, at('2024-11-19T16:00:00.001Z')).status).toBe('rectified');
  });
});

/** Every number a briefing holds, with its percentage forms: what its text may print. */
function traceableNumbers(b: Briefing): Set<number> {
  const out = new Set<number>();
  const add = (v: number) => {
    out.add(Math.round(v * 10) / 10);
    out.add(pct1(v));
  };
  const walk = (v: unknown, key = ''): void => {
    if (key === 'text' || key === 'message' || key === 'generatedAt') return;
    if (typeof v === 'number') add(v);
    else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) v.split('-').forEach((x) => add(Number(x)));
    else if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(b);
  // a change in points is the difference of the two rates as printed
  for (const k of RATE_KEYS) add(points(b.current[k], b.previous[k]) / 100);
  // the number of hazards extended again and again is the number of those flags, listed below the text
  add(b.flags.filter((f) => f.rule === 'repeated_extension').length);
  return out;
}

describe('the written summary', () => {
  const all = generated(11, 900);
  it.each([
    ['zh', PROVINCE_CODE, { from: '2024-12-02', to: '2024-12-08' }],
    ['en', PROVINCE_CODE, { from: '2024-12-02', to: '2024-12-08' }],
    ['zh', '140700', { from: '2024-11-01', to: '2024-11-30' }],
    ['en', '141100', { from: '2024-12-14', to: '2024-12-14' }],
    ['zh', '141102', { from: '2024-10-20', to: '2024-12-19' }],
  ] as const)('%s %s: every number in the text is a field', (lang, region, period) => {
    const b = briefingOf(all, region, period, lang);
    const allowed = traceableNumbers(b);
    // 12350 is the hotline in the label 群众举报（12350）, not a figure
    const printed = b.text.replace(/[（(]12350[）)]/g, '').match(/\d+(?:\.\d+)?/g) ?? [];
    expect(printed.length).toBeGreaterThan(5);
    for (const n of printed) expect(allowed.has(Math.round(Number(n) * 10) / 10), `${n} in «${b.text}»`).toBe(true);
    expect(b.text).toContain(String(b.current.new));
    if (lang === 'zh') expect(b.text).toMatch(/^[^a-zA-Z]*$/);
  });

  it('states the change against the previous period in words and figures', () => {
    const b = briefingOf(all, PROVINCE_CODE, { from: '2024-12-02', to: '2024-12-08' });
    const d = b.change.previous.new;
    expect(b.text).toContain(`较上期${d.diff > 0 ? '增加' : '减少'}${Math.abs(d.diff)}项`);
    expect(b.text).toContain(`整改率（含已整改待验收）${pct1(b.current.rectifiedRate).toFixed(1)}%`);
    expect(b.text).toContain(`销号率${pct1(b.current.closeOutRate).toFixed(1)}%`);
  });
});
