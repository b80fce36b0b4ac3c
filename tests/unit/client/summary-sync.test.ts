import { describe, expect, it } from 'vitest';
import { applyDelta, backoffDelay, freshnessAt, STALE_AFTER_MS } from '../../../client/stores/summary-sync';
import { elapsedSince } from '../../../client/stores/clock.store';
import { applyChanges } from '../../../shared/aggregation';
import { deltaTo, fact, summaryOf } from './fixtures';
import { rng } from '../../helpers/hazards';

describe('applyDelta', () => {
  const base = summaryOf('140000', [fact()], 10);

  it('applies a delta that starts at our version, without touching the old summary', () => {
    const facts = [fact(), fact({ regionCode: '140105', sector: 'fire' })];
    const { outcome, summary } = applyDelta(base, deltaTo('140000', facts, 10, 11));
    expect(outcome).toBe('applied');
    expect(summary.version).toBe(11);
    expect(summary.totals.total).toBe(2);
    expect(summary.byRegion['140100']!.total).toBe(1);
    expect(summary.matrix['140100']!.fire!.majorOpen).toBe(1);
    expect(base.totals.total).toBe(1);
    expect(base.version).toBe(10);
    expect(base.matrix['140100']).toBeUndefined();
  });

  it.each([
    ['an older delta', 8, 9, 'duplicate'],
    ['the same delta again', 9, 10, 'duplicate'],
    ['a delta after a missed one', 11, 12, 'gap'],
    ['a delta from before our snapshot reaching past it', 9, 11, 'gap'],
  ] as const)('%s is %s', (_name, from, to, expected) => {
    const { outcome, summary } = applyDelta(base, deltaTo('140000', [fact(), fact()], from, to));
    expect(outcome).toBe(expected);
    expect(summary).toBe(base);
  });

  it('ignores another region', () => {
    expect(applyDelta(base, deltaTo('141100', [fact()], 10, 11)).outcome).toBe('other-region');
  });

  it('removes a matrix row sent as {} and keeps untouched parts', () => {
    const s = summaryOf('140000', [fact(), fact({ regionCode: '140105' })], 5);
    const { summary } = applyDelta(s, { region: '140000', fromVersion: 5, version: 6, asOf: 'x', changes: { matrix: { '141100': {} } } });
    expect(summary.matrix['141100']).toBeUndefined();
    expect(summary.matrix['140100']).toEqual(s.matrix['140100']);
    expect(summary.totals).toEqual(s.totals);
    expect(s.matrix['141100']).toBeDefined();
  });

  it('takes the new day when the delta carries one', () => {
    const { summary } = applyDelta(base, { region: '140000', fromVersion: 10, version: 11, asOf: 'x', today: '2024-11-19', changes: {} });
    expect(summary.today).toBe('2024-11-19');
  });
});

describe('freshnessAt', () => {
  it.each([
    [null, 'stale'],
    [0, 'live'],
    [STALE_AFTER_MS, 'live'],
    [STALE_AFTER_MS + 1, 'stale'],
  ] as const)('a signal %s ms ago → %s', (age, expected) => {
    expect(freshnessAt(age)).toBe(expected);
  });
});

describe('elapsedSince', () => {
  const at = { wall: 1_000_000, mono: 500 };
  it('is the time passed when both clocks agree', () => {
    expect(elapsedSince(at, { wall: 1_004_000, mono: 4_500 })).toBe(4000);
  });
  it('a wall clock set back an hour does not make an old signal recent: the monotonic clock still counts', () => {
    expect(elapsedSince(at, { wall: 1_000_000 - 3_600_000 + 60_000, mono: 60_500 })).toBe(60_000);
  });
  it('a machine that slept (monotonic clock stopped) is caught by the wall clock', () => {
    expect(elapsedSince(at, { wall: 1_000_000 + 7_200_000, mono: 2_500 })).toBe(7_200_000);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially, is capped, and jitters within ±50%', () => {
    expect(backoffDelay(0, 1000, 30_000, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, 1000, 30_000, () => 0.5)).toBe(8000);
    expect(backoffDelay(50, 1000, 30_000, () => 0.99)).toBe(30_000);
    expect(backoffDelay(2, 1000, 30_000, () => 0)).toBe(2000);
  });
});

describe('applyDelta keeps what a delta does not touch', () => {
  const clone = <T>(x: T): T => structuredClone(x);
  const CITIES = ['140100', '140200', '140400', '141100'];
  const SECTORS = ['coal', 'fire', 'hazchem'] as const;

  it('equals the reference for random partial deltas, shares only untouched parts and never changes the old summary', () => {
    const r = rng(99);
    let facts = [fact()];
    let cur = summaryOf('140000', facts, 1);
    let shared = 0;
    for (let v = 2; v < 400; v++) {
      facts = [...facts, fact({ regionCode: `${r.pick(CITIES).slice(0, 4)}0${r.int(3) + 1}`, sector: r.pick(SECTORS), level: r.next() < 0.3 ? 'major' : 'general' })];
      const full = deltaTo('140000', facts, v - 1, v).changes;
      // the server sends the parts that changed: here a random subset of the parts and of their entries
      const pick = <T>(rec: Record<string, T> | undefined) => {
        if (!rec || r.next() < 0.4) return undefined;
        const out: Record<string, T> = {};
        for (const [k, x] of Object.entries(rec)) if (r.next() < 0.5) out[k] = x;
        return out;
      };
      const changes = { totals: r.next() < 0.5 ? full.totals : undefined, byRegion: pick(full.byRegion), bySector: pick(full.bySector), matrix: pick(full.matrix) };
      const d = { region: '140000', fromVersion: v - 1, version: v, asOf: `t${v}`, changes };
      const before = clone(cur);
      const { outcome, summary } = applyDelta(cur, d);
      expect(outcome).toBe('applied');
      // the reference: the same changes applied to a deep copy
      const ref = clone(cur);
      applyChanges(ref, changes);
      expect(JSON.stringify({ ...summary, version: 0, asOf: '' })).toBe(JSON.stringify({ ...ref, version: 0, asOf: '' }));
      expect(cur).toEqual(before);
      for (const part of ['byRegion', 'bySector', 'matrix'] as const) {
        const changed = Object.keys(changes[part] ?? {}).length > 0;
        if (summary[part] === cur[part]) {
          shared++;
          expect(changed).toBe(false);
        } else expect(changed).toBe(true);
        // an entry the delta sent is the delta's; one it did not send is the very object shown before
        for (const k of Object.keys(summary[part])) {
          if (k in (changes[part] ?? {})) expect(summary[part][k]).toBe(changes[part]![k]);
          else expect(summary[part][k]).toBe(cur[part][k]);
        }
      }
      cur = summary;
    }
    expect(shared).toBeGreaterThan(100);
  });
});
