/**
 * The wall's charts keep their option while its key is unchanged (client/lib/frame.ts sameUnlessKey). That is only
 * safe if equal keys mean equal pictures: every test here fails if a change the chart draws left the key alone,
 * which would leave a stale number on a wall.
 */
import { describe, expect, it } from 'vitest';
import { COUNT_KEYS, emptyCounts } from '../../../shared/aggregation';
import { childrenOf } from '../../../shared/regions';
import type { Counts } from '../../../shared/schemas';
import { mapKey, mapLabels, mapOption, type MapInput } from '../../../client/components/map/map-option';
import { trendKey, trendOption, type TrendNames } from '../../../client/components/trend/trend-option';
import { formatInt } from '../../../client/lib/format';
import { binsFor, type Metric } from '../../../client/lib/scale';
import { rng } from '../../helpers/hazards';

const LABELS = { blind: '盲区', total: '总数', open: '未销号', majorOpen: '重大未销号', overdue: '超期' };
const CITIES = childrenOf('140000').map((r) => r.code);

function counts(r: ReturnType<typeof rng>): Counts {
  const c = emptyCounts();
  if (r.next() < 0.15) return c;
  for (const k of COUNT_KEYS) c[k] = r.int(r.next() < 0.5 ? 4 : 40);
  c.total = Math.max(c.total, 1);
  return c;
}

function input(byRegion: Record<string, Counts>, metric: Metric, labels = LABELS): MapInput {
  const max = Math.max(0, ...Object.values(byRegion).map((c) => c[metric]));
  return { mapName: '140000', children: CITIES, byRegion, metric, bins: binsFor(metric, max), labels, small: false };
}

type Series = { data: Array<Record<string, unknown>>; label: { show: boolean }; emphasis: { label: { show: boolean } } };
/**
 * What the canvas draws: every item's fill and hover style, and whether labels are drawn at all (they must not be:
 * the numbers are DOM text over the canvas, mapLabels, so that a kept option never shows an old number).
 */
function drawn(p: MapInput): string {
  const s = (mapOption(p).series as Series[])[0]!;
  return JSON.stringify([s.label, s.emphasis.label, s.data.map((d) => [d.name, d.itemStyle, d.emphasis])]);
}

describe('mapKey', () => {
  it('a change the map draws changes the key; equal keys draw the same map (random summaries)', () => {
    const r = rng(11);
    let same = 0;
    let changed = 0;
    for (let i = 0; i < 2000; i++) {
      const metric: Metric = r.next() < 0.5 ? 'majorOpen' : 'overdue';
      const a: Record<string, Counts> = {};
      for (const c of CITIES) if (r.next() < 0.9) a[c] = counts(r);
      // the next delta: one or two cities move by a little, in one count or several
      const b: Record<string, Counts> = { ...a };
      for (let j = 0; j <= r.int(2); j++) {
        const city = r.pick(CITIES);
        const c = { ...(b[city] ?? emptyCounts()) };
        for (const k of COUNT_KEYS) if (r.next() < 0.3) c[k] = Math.max(0, c[k] + r.int(3) - 1);
        if (r.next() < 0.05) delete b[city];
        else b[city] = c;
      }
      const pa = input(a, metric);
      const pb = input(b, metric);
      const keysEqual = mapKey(pa) === mapKey(pb);
      const picturesEqual = drawn(pa) === drawn(pb);
      // a key may be stricter than the picture (the classes moved, no colour did): that only redraws
      if (!picturesEqual) expect(keysEqual).toBe(false);
      if (keysEqual) {
        expect(picturesEqual).toBe(true);
        same++;
      } else if (!picturesEqual) changed++;
    }
    // both cases were exercised
    expect(same).toBeGreaterThan(100);
    expect(changed).toBeGreaterThan(100);
  });

  it('the canvas draws no number: the option’s labels are off', () => {
    const s = (mapOption(input({ [CITIES[0]!]: { ...emptyCounts(), total: 3, majorOpen: 2 } }, 'majorOpen')).series as Series[])[0]!;
    expect(s.label.show).toBe(false);
    expect(s.emphasis.label.show).toBe(false);
  });

  it('every single step of the metric in any city changes that city’s label, and only its label', () => {
    const base: Record<string, Counts> = {};
    for (const c of CITIES) base[c] = { ...emptyCounts(), total: 10, open: 5, majorOpen: 2, overdue: 1, major: 3 };
    for (const metric of ['majorOpen', 'overdue'] as const) {
      const before = mapLabels(input(base, metric));
      for (const city of CITIES) {
        const next = { ...base, [city]: { ...base[city]!, [metric]: base[city]![metric] + 1 } };
        const after = mapLabels(input(next, metric));
        for (let i = 0; i < CITIES.length; i++) {
          if (CITIES[i] === city) expect(after[i]!.text).toBe(String(base[city]![metric] + 1));
          else expect(after[i]).toEqual(before[i]);
        }
      }
    }
  });

  it('the labels say every child’s number of now, or the blind-spot word (random summaries)', () => {
    const r = rng(13);
    for (let i = 0; i < 500; i++) {
      const metric: Metric = r.next() < 0.5 ? 'majorOpen' : 'overdue';
      const byRegion: Record<string, Counts> = {};
      for (const c of CITIES) if (r.next() < 0.9) byRegion[c] = counts(r);
      const ls = mapLabels(input(byRegion, metric));
      expect(ls.map((l) => l.code)).toEqual(CITIES);
      for (const l of ls) {
        const c = byRegion[l.code];
        const blind = !c || c.total === 0;
        expect(l.blind).toBe(blind);
        expect(l.text).toBe(blind ? LABELS.blind : formatInt(c[metric]));
      }
    }
  });

  it('a step within a colour class leaves the key alone; a step across one changes it', () => {
    const base: Record<string, Counts> = {};
    // classes of 1–10, 11–20, … (max 41): 5 → 6 stays in its class, 10 → 11 crosses into the next
    for (const c of CITIES) base[c] = { ...emptyCounts(), total: 50, open: 45, majorOpen: 41, overdue: 1, major: 45 };
    const city = CITIES[1]!;
    const at = (n: number) => mapKey(input({ ...base, [city]: { ...base[city]!, majorOpen: n } }, 'majorOpen'));
    expect(at(6)).toBe(at(5));
    expect(at(11)).not.toBe(at(10));
    expect(at(0)).not.toBe(at(1));
  });

  it('a count the map does not draw leaves the key alone; the metric, a blind spot and the labels change it', () => {
    const base: Record<string, Counts> = {};
    for (const c of CITIES) base[c] = { ...emptyCounts(), total: 10, open: 5, majorOpen: 2, overdue: 1, major: 3 };
    const city = CITIES[0]!;
    const general = { ...base, [city]: { ...base[city]!, total: 11, open: 6 } };
    expect(mapKey(input(general, 'majorOpen'))).toBe(mapKey(input(base, 'majorOpen')));
    expect(mapKey(input(base, 'overdue'))).not.toBe(mapKey(input(base, 'majorOpen')));
    const silent = { ...base, [city]: emptyCounts() };
    const zeroMetric = { ...base, [city]: { ...base[city]!, majorOpen: 0 } };
    expect(mapKey(input(silent, 'majorOpen'))).not.toBe(mapKey(input(zeroMetric, 'majorOpen')));
    expect(mapKey(input(base, 'majorOpen', { ...LABELS, blind: 'blind spot' }))).not.toBe(mapKey(input(base, 'majorOpen')));
  });

  it('the tooltip of a kept option shows the counts of now', () => {
    const base: Record<string, Counts> = {};
    for (const c of CITIES) base[c] = { ...emptyCounts(), total: 10, open: 5, majorOpen: 2, overdue: 1, major: 3 };
    const p = input(base, 'majorOpen');
    const o = mapOption(p);
    const city = CITIES[0]!;
    // a general hazard: same key, the option is kept, and the props it reads from move on
    p.byRegion = { ...base, [city]: { ...base[city]!, total: 11, open: 6 } };
    const s = (o.series as Series[])[0]!;
    const tip = (o.tooltip as { formatter: (x: unknown) => string }).formatter({ data: s.data.find((d) => d.name === city) });
    expect(tip).toContain('<b>11</b>');
    expect(tip).toContain('<b>6</b>');
  });
});

describe('trendKey', () => {
  const NAMES: TrendNames = { new: '新增', newMajor: '新增重大', closed: '销号' };
  const days = (r: ReturnType<typeof rng>) =>
    Array.from({ length: 30 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, new: r.int(50), newMajor: r.int(8), closed: r.int(40) }));
  const chart = (d: ReturnType<typeof days>, n: TrendNames) => JSON.stringify(trendOption(d, n));

  it('equal keys draw the same chart; any changed number, day or name changes the key', () => {
    const r = rng(12);
    for (let i = 0; i < 500; i++) {
      const a = days(r);
      const b = a.map((d) => ({ ...d }));
      const k = r.int(4);
      const at = r.int(30);
      if (k === 0) b[at]!.new += 1;
      else if (k === 1) b[at]!.newMajor += 1;
      else if (k === 2) b[at]!.closed += 1;
      const names = r.next() < 0.1 ? { ...NAMES, closed: 'closed' } : NAMES;
      expect(trendKey(a, NAMES) === trendKey(b, names)).toBe(chart(a, NAMES) === chart(b, names));
      if (k < 3 || names !== NAMES) expect(trendKey(b, names)).not.toBe(trendKey(a, NAMES));
    }
    const shifted = days(rng(1)).map((d, i) => ({ ...d, day: `2026-10-${String(i + 1).padStart(2, '0')}` }));
    expect(trendKey(shifted, NAMES)).not.toBe(trendKey(days(rng(1)), NAMES));
  });
});
