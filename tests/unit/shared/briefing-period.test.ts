import { describe, expect, it } from 'vitest';
import {
  MAX_PERIOD_DAYS, periodDays, periodProblem, presetPeriod, previousPeriod, trendPeriod, yearAgoPeriod, yearEarlier,
} from '../../../shared/briefing-period';

describe('briefing periods', () => {
  it.each([
    [{ from: '2024-11-18', to: '2024-11-18' }, { from: '2024-11-17', to: '2024-11-17' }],
    [{ from: '2024-11-11', to: '2024-11-17' }, { from: '2024-11-04', to: '2024-11-10' }],
    [{ from: '2024-03-01', to: '2024-03-31' }, { from: '2024-01-30', to: '2024-02-29' }],
    [{ from: '2025-01-01', to: '2025-01-02' }, { from: '2024-12-30', to: '2024-12-31' }],
  ])('previous of %j is %j (same length, just before)', (p, prev) => {
    expect(previousPeriod(p)).toEqual(prev);
    expect(periodDays(previousPeriod(p))).toBe(periodDays(p));
  });

  it.each([
    ['2024-11-18', '2023-11-18'],
    ['2024-02-29', '2023-02-28'],
    ['2025-03-01', '2024-03-01'],
  ])('a year before %s is %s', (d, y) => expect(yearEarlier(d)).toBe(y));

  it('year-ago period shifts both ends', () => {
    expect(yearAgoPeriod({ from: '2024-11-11', to: '2024-11-17' })).toEqual({ from: '2023-11-11', to: '2023-11-17' });
  });

  it.each([
    // 2024-11-17 is a Sunday, 2024-11-18 a Monday
    ['today', '2024-11-17', { from: '2024-11-17', to: '2024-11-17' }],
    ['week', '2024-11-17', { from: '2024-11-11', to: '2024-11-17' }],
    ['week', '2024-11-18', { from: '2024-11-18', to: '2024-11-18' }],
    ['month', '2024-11-17', { from: '2024-11-01', to: '2024-11-17' }],
    ['campaign', '2024-11-17', { from: '2023-11-20', to: '2024-11-17' }],
  ] as const)('preset %s on %s', (preset, today, expected) => {
    expect(presetPeriod(preset, today)).toEqual(expected);
  });

  it('campaign start is configurable; custom is clamped to today', () => {
    expect(presetPeriod('campaign', '2024-11-17', { campaignStart: '2024-01-01' })).toEqual({ from: '2024-01-01', to: '2024-11-17' });
    expect(presetPeriod('custom', '2024-11-17', { custom: { from: '2024-11-01', to: '2024-12-01' } })).toEqual({ from: '2024-11-01', to: '2024-11-17' });
  });

  it.each([
    [{ from: '2024-11-18', to: '2024-11-17' }, /after to/],
    [{ from: '2024-11-18', to: '2024-11-19' }, /after today/],
    [{ from: '2020-01-01', to: '2024-11-18' }, new RegExp(`at most ${MAX_PERIOD_DAYS}`)],
  ])('%j cannot be briefed', (p, why) => expect(periodProblem(p, '2024-11-18')).toMatch(why));

  it('campaign to date can be briefed', () => {
    expect(periodProblem(presetPeriod('campaign', '2026-11-29'), '2026-11-29')).toBeNull();
  });

  it.each([
    [{ from: '2024-11-18', to: '2024-11-18' }, 14],
    [{ from: '2024-10-01', to: '2024-11-18' }, 49],
    [{ from: '2023-11-20', to: '2026-11-29' }, 366],
  ])('trend of %j has %i days ending with the period', (p, n) => {
    const t = trendPeriod(p);
    expect(periodDays(t)).toBe(n);
    expect(t.to).toBe(p.to);
  });
});
