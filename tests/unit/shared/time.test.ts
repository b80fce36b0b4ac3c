import { describe, expect, it } from 'vitest';
import { DEFAULT_TZ, addDays, dayOf, daysBetween, startOfDay } from '../../../shared/time';

describe('dayOf', () => {
  it.each([
    // Asia/Shanghai is UTC+8 all year: the day turns at 16:00Z
    ['2024-11-17T15:59:59.999Z', DEFAULT_TZ, '2024-11-17'],
    ['2024-11-17T16:00:00.000Z', DEFAULT_TZ, '2024-11-18'],
    ['2024-12-31T16:00:00.000Z', DEFAULT_TZ, '2025-01-01'],
    ['2024-02-28T16:30:00.000Z', DEFAULT_TZ, '2024-02-29'],
    ['2024-11-17T23:59:59.000Z', 'UTC', '2024-11-17'],
    ['2024-11-18T00:00:00.000Z', 'UTC', '2024-11-18'],
    ['2024-03-10T04:59:59.000Z', 'America/New_York', '2024-03-09'],
    ['2024-03-10T05:00:00.000Z', 'America/New_York', '2024-03-10'],
    ['2024-11-17T18:14:59.000Z', 'Asia/Kathmandu', '2024-11-17'],
    ['2024-11-17T18:15:00.000Z', 'Asia/Kathmandu', '2024-11-18'],
  ])('%s in %s is %s', (iso, tz, day) => {
    expect(dayOf(Date.parse(iso), tz)).toBe(day);
  });

  it('defaults to Asia/Shanghai', () => {
    expect(dayOf(Date.parse('2024-11-17T16:00:00Z'))).toBe('2024-11-18');
  });
});

describe('startOfDay', () => {
  it.each([
    ['2024-11-18', DEFAULT_TZ, '2024-11-17T16:00:00.000Z'],
    ['2025-01-01', DEFAULT_TZ, '2024-12-31T16:00:00.000Z'],
    ['2024-11-18', 'UTC', '2024-11-18T00:00:00.000Z'],
    ['2024-03-10', 'America/New_York', '2024-03-10T05:00:00.000Z'], // the day DST starts: midnight is still EST
    ['2024-03-11', 'America/New_York', '2024-03-11T04:00:00.000Z'],
    ['2024-11-03', 'America/New_York', '2024-11-03T04:00:00.000Z'], // the day DST ends: midnight is still EDT
    ['2024-11-04', 'America/New_York', '2024-11-04T05:00:00.000Z'],
    ['2024-11-18', 'Asia/Kathmandu', '2024-11-17T18:15:00.000Z'],
    // DST starts at midnight in Santiago: 00:00 does not exist, the day begins at 01:00 −03
    ['2024-09-08', 'America/Santiago', '2024-09-08T04:00:00.000Z'],
    // DST ends at midnight: 00:00 −03 becomes 23:00 −04 of the day before, the day begins at 00:00 −04
    ['2024-04-07', 'America/Santiago', '2024-04-07T04:00:00.000Z'],
  ])('%s in %s begins at %s', (day, tz, iso) => {
    expect(new Date(startOfDay(day, tz)).toISOString()).toBe(iso);
  });

  it.each(['Asia/Shanghai', 'UTC', 'America/New_York', 'Europe/London', 'America/Santiago', 'Australia/Lord_Howe'])(
    'is the first instant of its day every day of 2024 in %s',
    (tz) => {
      for (let d = '2024-01-01'; d <= '2024-12-31'; d = addDays(d, 1)) {
        const start = startOfDay(d, tz);
        expect(dayOf(start, tz), `${d} start`).toBe(d);
        expect(dayOf(start - 1, tz), `${d} start − 1 ms`).toBe(addDays(d, -1));
      }
    },
  );
});

describe('day arithmetic', () => {
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2025-01-01', -1, '2024-12-31'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2024-11-18', 30, '2024-12-18'],
    ['2024-11-18', 0, '2024-11-18'],
  ])('addDays(%s, %i) = %s', (day, n, out) => {
    expect(addDays(day, n)).toBe(out);
  });

  it.each([
    ['2024-11-18', '2024-12-18', 30],
    ['2024-12-18', '2024-11-18', -30],
    ['2024-02-01', '2024-03-01', 29],
    ['2023-02-01', '2023-03-01', 28],
    ['2024-01-01', '2025-01-01', 366],
    ['2024-11-18', '2024-11-18', 0],
  ])('daysBetween(%s, %s) = %i', (a, b, n) => {
    expect(daysBetween(a, b)).toBe(n);
  });
});
